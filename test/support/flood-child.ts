/**
 * Runs one flooding command through pod in a process of its own, so the test
 * can read this process's peak memory (maxRSS) without the noise of the test
 * runner. The spec comes in POD_FLOOD_SPEC (JSON, never argv: it holds a
 * password); one JSON line goes out on stdout: peak RSS before and after the
 * command, the result's sizes and truncation, and what the listeners saw.
 */
import { Secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { GuestOpsConnection } from "../../provider/src/connections/guestops/guestops-connection";
import { SshConnection } from "../../provider/src/connections/ssh";
import type { GuestConnection } from "../../provider/src/connections/types";
import { WinrmConnection } from "../../provider/src/connections/winrm/connection";
import { CommandExecutor } from "../../provider/src/execution/executor";
import { GuestOperations } from "../../provider/src/vsphere/guest-ops";
import { labSession } from "./vsphere";

export interface FloodSpec {
  transport: "ssh" | "docker" | "winrm" | "guestops";
  /** ssh/winrm host, docker container, guestops VM moref value. */
  target: string;
  port?: number;
  user?: string;
  password?: string;
  fingerprints?: string[];
  /** An argv, or a script for the guest's shell. */
  command: string[] | { script: string; shell: "sh" | "powershell" };
  os: "linux" | "windows";
  timeoutMs: number;
  maxOutputBytes?: number;
  /** Count every byte through onStdout/onStderr. */
  listen: boolean;
}

export interface FloodReport {
  maxRssBeforeBytes: number;
  maxRssAfterBytes: number;
  result: {
    exitCode: number | null;
    timedOut: boolean;
    stdoutLength: number;
    stderrLength: number;
    truncated?: { stdout: number; stderr: number };
  };
  streamed: { stdout: number; stderr: number };
}

const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function connect(spec: FloodSpec): Promise<{ connection: GuestConnection; done: () => Promise<void> }> {
  const password = new Secret(spec.password ?? "");
  switch (spec.transport) {
    case "ssh": {
      const connection = new SshConnection({
        host: spec.target,
        username: spec.user ?? "pod",
        password,
        hostKey: { fingerprints: spec.fingerprints ?? [] },
      });
      return { connection, done: () => connection.close() };
    }
    case "docker":
      return { connection: new DockerExecConnection({ container: spec.target }), done: async () => {} };
    case "winrm": {
      const connection = new WinrmConnection({
        host: spec.target,
        ...(spec.port ? { port: spec.port } : {}),
        https: false, // the lab guest's plain-HTTP listener: this test is about output, not transport security
        username: spec.user ?? "Administrator",
        password,
      });
      return { connection, done: () => connection.close() };
    }
    case "guestops": {
      const session = await labSession();
      const ops = await GuestOperations.open(
        session,
        { type: "VirtualMachine", value: spec.target },
        { username: spec.user ?? "pod", password },
      );
      return { connection: new GuestOpsConnection(ops, spec.target), done: () => session.close() };
    }
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.POD_FLOOD_SPEC ?? "{}") as FloodSpec;
  const { connection, done } = await connect(spec);
  const executor = new CommandExecutor();
  // Warm up (OS handler, pools, TLS) so the peak before the flood includes them.
  await executor.run({ connection, os: spec.os }, spec.os === "windows" ? ["ver"] : ["true"]);
  const streamed = { stdout: 0, stderr: 0 };
  const before = peakRss();
  const r = await executor.run({ connection, os: spec.os }, spec.command, {
    timeoutMs: spec.timeoutMs,
    ...(spec.maxOutputBytes ? { maxOutputBytes: spec.maxOutputBytes } : {}),
    ...(spec.listen
      ? {
          onStdout: (c: Buffer) => {
            streamed.stdout += c.length;
          },
          onStderr: (c: Buffer) => {
            streamed.stderr += c.length;
          },
        }
      : {}),
  });
  const report: FloodReport = {
    maxRssBeforeBytes: before,
    maxRssAfterBytes: peakRss(),
    result: {
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      stdoutLength: Buffer.byteLength(r.stdout),
      stderrLength: Buffer.byteLength(r.stderr),
      ...(r.truncated ? { truncated: r.truncated } : {}),
    },
    streamed,
  };
  await done();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
