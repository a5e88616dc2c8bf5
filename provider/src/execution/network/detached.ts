/**
 * The opt-in path for changing the address pod's SSH session runs through:
 * the guest applies the change detached and reverts by itself unless pod
 * reconnects on the new address and confirms within the deadline.
 */
import { sleep } from "../../common/retry";
import type { GuestConnection } from "../../connections/types";
import { failureError } from "../../network/classify";
import { NetworkConfigError } from "../../network/errors";
import {
  confirmDetachedScript,
  detachedStatusScript,
  parseDetachedDir,
  parseDetachedState,
  startDetachedScript,
} from "../../network/linux/detached";
import type { NetworkChange } from "../../network/plan";
import { parseStepOutput } from "../../network/steps";
import { type GuestShell, openGuestShell } from "./guest-shell";

export interface DetachedApply {
  changes: NetworkChange[];
  commands: string[];
  revertCommands: string[];
  newAddress: string;
  confirmSeconds: number;
  reconnect: (address: string) => Promise<GuestConnection>;
  log?: (line: string) => void;
}

/** The apply's own step report: the log up to `@@REVERT`. */
function applyLog(stdout: string): string {
  const at = stdout.indexOf("@@REVERT");
  return (at < 0 ? stdout : stdout.slice(0, at)).replace(/^@@STATE.*$/m, "");
}

async function tryConfirm(o: DetachedApply, shell: GuestShell, id: string): Promise<GuestShell | undefined> {
  let connection: GuestConnection | undefined;
  try {
    connection = await o.reconnect(o.newAddress);
    const fresh = await openGuestShell(connection, { os: shell.os });
    const out = await fresh.run(confirmDetachedScript(id), { timeoutMs: 15_000 });
    if (parseDetachedState(out.stdout) === "confirmed") return fresh;
    o.log?.(`reconnected on ${o.newAddress}, but the guest's state is "${parseDetachedState(out.stdout)}"`);
  } catch (error) {
    o.log?.(`not reachable on ${o.newAddress} yet: ${(error as Error).message}`);
  }
  await connection?.close().catch(() => undefined);
  return undefined;
}

/** The detached job's last word, asked on the old address (the session may need a moment to come back). */
async function finalStatus(shell: GuestShell, id: string): Promise<{ stdout: string; stderr: string }> {
  let last = { stdout: "", stderr: "" };
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const out = await shell.run(detachedStatusScript(id, false), { timeoutMs: 15_000 });
      last = out;
      if (FINAL.includes(parseDetachedState(out.stdout))) {
        await shell.run(detachedStatusScript(id, true), { timeoutMs: 15_000 }).catch(() => undefined);
        return out;
      }
    } catch (error) {
      last = { stdout: last.stdout, stderr: (error as Error).message };
    }
    await sleep(2000);
  }
  return last;
}

const FINAL = ["reverted", "confirmed"];

/** Starts the change on the guest; returns a shell on the new address once confirmed. */
export async function applyDetached(shell: GuestShell, o: DetachedApply): Promise<GuestShell> {
  const confirmSeconds = Math.max(5, o.confirmSeconds);
  const started = Date.now();
  const start = await shell.run(startDetachedScript({ apply: o.commands, revert: o.revertCommands, confirmSeconds }), {
    timeoutMs: 30_000,
  });
  if (!start.stdout.includes("@@STARTED")) {
    throw new NetworkConfigError("APPLY_FAILED", "The guest did not start the detached network change.", {
      fix: "The login user needs root or passwordless sudo (sudo -n).",
      details: { stdout: start.stdout, stderr: start.stderr, exitCode: start.exitCode },
    });
  }
  // The guest's private directory (mktemp -d, 0700) names every later step's files.
  const id = parseDetachedDir(start.stdout);
  o.log?.(`detached change started; reconnecting on ${o.newAddress} (guest reverts after ${confirmSeconds} s)`);
  const deadline = started + (confirmSeconds - 2) * 1000;
  while (Date.now() < deadline) {
    const fresh = await tryConfirm(o, shell, id);
    if (fresh) {
      await fresh.run(detachedStatusScript(id, true), { timeoutMs: 15_000 }).catch(() => undefined);
      return fresh;
    }
    await sleep(1000);
  }
  // Not confirmed: the guest reverts at its deadline. Wait for that, then ask on the old address.
  await sleep(Math.max(0, started + (confirmSeconds + 4) * 1000 - Date.now()));
  const status = await finalStatus(shell, id);
  const state = parseDetachedState(status.stdout) || "unknown";
  const report = parseStepOutput(applyLog(status.stdout));
  const failed = report.failed && o.changes[report.failed.step];
  if (report.failed && failed) {
    throw failureError(
      {
        change: failed,
        command: o.commands[report.failed.step] ?? "",
        exitCode: report.failed.exitCode,
        output: report.failed.output,
      },
      { detached: true, guestState: state },
    );
  }
  throw new NetworkConfigError(
    "APPLY_FAILED",
    `pod could not reach the guest on its new address ${o.newAddress} within ${confirmSeconds} s; the guest ${state === "reverted" ? "reverted to its previous configuration" : `reports "${state}"`}.`,
    {
      fix: "Check that the controller can route to the new address (same subnet or a route), or raise confirmTimeoutSeconds.",
      details: {
        newAddress: o.newAddress,
        guestState: state,
        log: status.stdout.slice(0, 4000),
        stderr: status.stderr,
      },
    },
  );
}
