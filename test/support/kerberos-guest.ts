import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { closedLoopbackPort } from "./ports";
import { needEnv } from "./windows-lab-env";

/**
 * A Windows guest of the test's own with Kerberos enabled: the lab's guest
 * code (lab/windows-guest, from this checkout) as a host process on a free
 * loopback port, accepting HTTP/<POD_KDC_SERVICE_HOST> with the lab KDC's
 * keytab. The lab's shared guest is left alone. Its log lines are kept in
 * memory so a test can check, from the guest's side, what it accepted.
 */
export interface KerberosGuest {
  host: string;
  port: number;
  /** The HTTPS listener (the lab's 127.0.0.1 certificate, signed by the lab CA). */
  httpsPort: number;
  /** The service principal's host (HTTP/<spnHost>@POD.LAB). */
  spnHost: string;
  lines: string[];
  /** Resolves with the first log line matching, now or later. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /**
   * Resolves with the lines from index `from` on once `count` of them match. A test that ran a
   * synchronous child (spawnSync blocks this process's event loop) reads the guest's log this way.
   */
  waitForLines(pattern: RegExp, count: number, from: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

const REPO = join(__dirname, "..", "..");

export async function startKerberosGuest(): Promise<KerberosGuest> {
  const port = await closedLoopbackPort();
  const httpsPort = await closedLoopbackPort();
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(REPO, "lab/windows-guest/src/main.ts"), "pod-windows-guest-krb"],
    {
      cwd: REPO,
      env: {
        ...process.env,
        KRB5_CONFIG: needEnv("POD_KDC_KRB5_CONFIG"),
        POD_WINRM_HTTP: `127.0.0.1:${port}`,
        POD_WINRM_HTTPS: `127.0.0.1:${httpsPort}`,
        POD_WINRM_TLS_DIR: join(needEnv("POD_LAB_STATE"), "tls"),
        POD_WINDOWS_NICS: "synthetic",
        POD_WINDOWS_HOSTNAME: "WIN2022-KRB",
        POD_WINRM_KERBEROS_KEYTAB: needEnv("POD_KDC_HTTP_KEYTAB"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const listeners = new Set<() => void>();
  let buffered = "";
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
      for (const listener of listeners) listener();
      nl = buffered.indexOf("\n");
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const waitForLine = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`guest log never showed ${pattern}:\n${lines.slice(-10).join("\n")}`)),
        timeoutMs,
      );
      const exit = () => reject(new Error(`guest exited before ${pattern}:\n${lines.slice(-10).join("\n")}`));
      child.once("exit", exit);
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          child.off("exit", exit);
          resolve(line);
        },
      });
    });
  const waitForLines = (pattern: RegExp, count: number, from: number, timeoutMs = 60_000) =>
    new Promise<string[]>((resolve, reject) => {
      const matching = () => lines.slice(from).filter((l) => pattern.test(l));
      const check = () => {
        if (matching().length < count) return false;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(lines.slice(from));
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(
          new Error(`guest log showed ${matching().length} of ${count} ${pattern}:\n${lines.slice(from).join("\n")}`),
        );
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  await waitForLine(/WinRM HTTPS listening/);
  return {
    host: "127.0.0.1",
    port,
    httpsPort,
    spnHost: needEnv("POD_KDC_SERVICE_HOST"),
    lines,
    waitForLine,
    waitForLines,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
