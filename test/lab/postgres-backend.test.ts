import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { requireLab } from "../support/lab-env";
import { dumpState, requirePostgres, stateKeys } from "../support/postgres";
import { PulumiCli } from "../support/pulumi-cli";
import { inventoryNames, quickstartWith, runQuickstartWith, sweepVcsim } from "../support/quickstart-stack";

const repo = join(__dirname, "../..");
const quickstartDir = join(repo, "examples/quickstart");

/** Polls `check` until it holds (a lock row, a state key), failing after `ms`. */
async function until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Issue 16: Pulumi's DIY backend on the lab's PostgreSQL. The quickstart's
 * stack lives in the database; a second `up` while one holds the stack's lock
 * is refused; secrets are stored as ciphertext only.
 */
describe("lab: Pulumi state in PostgreSQL", function () {
  this.timeout(900_000);
  requireLab();
  const pg = requirePostgres();
  const env = { POD_PULUMI_BACKEND_URL: pg.backendUrl };
  const stack = `pg${process.pid}${randomBytes(2).toString("hex")}`;
  const vmName = `pod-quickstart-${stack}-web`;
  const portGroup = `pod-quickstart-${stack}-vlan120`;

  after(async () => {
    runQuickstartWith(env, stack, "destroy");
    runQuickstartWith(env, stack, "stack", "rm", "--yes", "--force", stack);
    await sweepVcsim(vmName, portGroup);
  });

  it("runs the quickstart with its stack stored in the database", async () => {
    const out = quickstartWith(env, stack, "up");
    assert.match(out, /4 created/);
    const start = out.lastIndexOf("\n{");
    const outputs = JSON.parse(out.slice(start, out.indexOf("\n}", start) + 2)) as Record<string, unknown>;
    assert.match(String(outputs.commandOutput), /^Linux /);
    assert.ok((await inventoryNames("VirtualMachine")).includes(vmName));
    const keys = stateKeys(pg, `.pulumi/stacks/%/${stack}%`);
    assert.ok(keys.includes(`.pulumi/stacks/pod-quickstart/${stack}.json`), `stack row in pulumi_state: ${keys}`);
    // Nothing went to the lab's file backend.
    const local = spawnSync("pulumi", ["stack", "ls", "--all", "--non-interactive"], {
      cwd: quickstartDir,
      encoding: "utf8",
    });
    assert.doesNotMatch(local.stdout, new RegExp(stack));
  });

  it("refuses a second up while the first holds the stack's lock; the first completes and state stays whole", async () => {
    quickstartWith(env, stack, "config", "set", "unameFlags", "--", "-a");
    const pulumiEnv = { ...process.env, PULUMI_BACKEND_URL: pg.backendUrl };
    const first = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stack], {
      cwd: quickstartDir,
      env: pulumiEnv,
    });
    let firstOut = "";
    first.stdout.on("data", (b: Buffer) => (firstOut += b.toString()));
    first.stderr.on("data", (b: Buffer) => (firstOut += b.toString()));
    const firstExit = new Promise<number | null>((resolve) => first.on("exit", resolve));
    // Deterministic overlap: wait for the first up's lock row, then hold that process still
    // while the second up runs, so the first cannot finish (and release the lock) in between.
    await until("the first up's lock", () => stateKeys(pg, `.pulumi/locks/%/${stack}/%`).length > 0);
    first.kill("SIGSTOP");
    let second: ReturnType<typeof spawnSync>;
    try {
      second = spawnSync("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stack], {
        cwd: quickstartDir,
        env: pulumiEnv,
        encoding: "utf8",
        timeout: 120_000,
      });
    } finally {
      first.kill("SIGCONT");
    }
    assert.notEqual(second.status, 0);
    assert.match(`${second.stdout}${second.stderr}`, /the stack is currently locked/);
    assert.equal(await firstExit, 0, firstOut);
    assert.match(firstOut, /1 updated/);
    assert.deepEqual(stateKeys(pg, `.pulumi/locks/%/${stack}/%`), [], "the lock is released");
    // State intact: the update is recorded, nothing pending, and a preview sees no drift.
    const state = JSON.parse(quickstartWith(env, stack, "stack", "export")) as {
      deployment: { resources: { type: string; outputs?: Record<string, unknown> }[]; pending_operations?: unknown[] };
    };
    assert.deepEqual(state.deployment.pending_operations ?? [], []);
    const command = state.deployment.resources.find((r) => r.type.endsWith(":PodCommand"));
    assert.match(String(command?.outputs?.stdout), /^Linux \S+ /, "uname -a's output");
    assert.match(quickstartWith(env, stack, "preview", "--expect-no-changes"), /4 unchanged/);
  });

  it("keeps secrets encrypted in the database", () => {
    const cli = new PulumiCli(join(__dirname, "../fixtures/secret-state"), {
      PULUMI_BACKEND_URL: pg.backendUrl,
      PULUMI_STACK: "",
    });
    const secretStack = `${stack}-secret`;
    const token = `pg-secret-${randomBytes(12).toString("hex")}`;
    cli.ok("stack", "init", secretStack);
    try {
      cli.ok("config", "set", "--secret", "token", token, "--stack", secretStack);
      assert.match(cli.ok("up", "--yes", "--skip-preview", "--stack", secretStack), /2 created/);
      assert.equal(
        JSON.parse(cli.ok("stack", "output", "--json", "--show-secrets", "--stack", secretStack)).held,
        token,
      );
      const dump = dumpState(pg);
      assert.ok(dump.includes(`pod-secret-state/${secretStack}`), "the stack's rows are in the dump");
      assert.ok(dump.includes("ciphertext"), "secrets are stored as ciphertext");
      assert.equal(dump.includes(token), false, "the secret's value is nowhere in pulumi_state");
      assert.equal(dump.includes(Buffer.from(token).toString("base64")), false, "nor base64-encoded");
    } finally {
      cli.run("destroy", "--yes", "--skip-preview", "--stack", secretStack);
      cli.run("stack", "rm", "--yes", "--force", secretStack);
    }
  });
});
