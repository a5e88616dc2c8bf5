/**
 * The network engine's way into a guest: the OS (detected once through the
 * executor), and scripts run as the OS wants them — sh (as root when asked)
 * on Linux, PowerShell on Windows (WinRM's execPowerShell when the connection
 * has it: any length, stderr decoded from CLIXML).
 */
import { PodError } from "../../common/errors";
import type { GuestConnection, RawExecResult } from "../../connections/types";
import { decodeClixml } from "../../connections/winrm/clixml";
import { asRoot } from "../../network/linux/commands";
import type { NetworkOs } from "../../network/state";
import type { OsInfo } from "../../os/types";
import { defaultShellScript } from "../command";
import { CommandExecutor } from "../executor";

export interface ScriptOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
}

export interface GuestShell {
  readonly connection: GuestConnection;
  readonly os: OsInfo;
  readonly kind: NetworkOs;
  run(script: string, options?: { root?: boolean; timeoutMs?: number }): Promise<ScriptOutput>;
}

type PowerShellCapable = GuestConnection & {
  execPowerShell(script: string, options?: { timeoutMs?: number }): Promise<RawExecResult>;
};
const hasPowerShell = (c: GuestConnection): c is PowerShellCapable =>
  typeof (c as Partial<PowerShellCapable>).execPowerShell === "function";

export function networkOsOf(os: OsInfo): NetworkOs {
  if (os.type === "windows" || os.family === "windows") return "windows";
  if (os.type === "unknown") {
    throw new PodError("OS_UNKNOWN", "pod could not tell the guest's OS; nothing was changed.", {
      fix: "Check the guest credentials and that it runs Linux or Windows.",
      details: { os },
    });
  }
  return "linux";
}

export async function openGuestShell(
  connection: GuestConnection,
  options: { executor?: CommandExecutor; os?: OsInfo } = {},
): Promise<GuestShell> {
  const executor = options.executor ?? new CommandExecutor();
  const target = { connection, ...(options.os ? { os: options.os } : {}) };
  const os = await executor.osOf(target);
  const kind = networkOsOf(os);
  return {
    connection,
    os,
    kind,
    async run(script, runOptions = {}) {
      const timeout = runOptions.timeoutMs ?? 120_000;
      if (kind === "windows" && hasPowerShell(connection)) {
        const raw = await connection.execPowerShell(script, { timeoutMs: timeout });
        return { stdout: raw.stdout, stderr: raw.stderr, exitCode: raw.exitCode, timedOut: raw.timedOut };
      }
      const body = kind === "linux" && runOptions.root ? asRoot(script) : script;
      const result = await executor.run({ ...target, os }, defaultShellScript(body, os), {
        timeoutMs: timeout,
        acceptExitCodes: [],
      });
      const stderr = kind === "windows" ? decodeClixml(result.stderr) : result.stderr;
      return { stdout: result.stdout, stderr, exitCode: result.exitCode, timedOut: result.timedOut };
    },
  };
}
