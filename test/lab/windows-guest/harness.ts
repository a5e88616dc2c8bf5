import { runCmd } from "../../../lab/windows-guest/src/cmd";
import { Machine } from "../../../lab/windows-guest/src/machine";
import { defaultEnv } from "../../../lab/windows-guest/src/process";

/** Runs command lines on a fresh (or given) emulated machine, as WinRS would; no network. */
export interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function cmd(line: string, machine = Machine.synthetic("WIN2022-TEST"), stdin = ""): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const exitCode = await runCmd(line, {
    machine,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => Buffer.from(stdin),
    signal: new AbortController().signal,
    env: defaultEnv(machine),
    cwd: "C:\\Users\\Administrator",
    codepage: 65001,
  });
  return { stdout, stderr, exitCode };
}

export const encode = (script: string): string => Buffer.from(script, "utf16le").toString("base64");

/** powershell.exe -EncodedCommand (errors as CLIXML), as pywinrm's run_ps sends it. */
export const ps = (script: string, machine?: Machine): Promise<Run> =>
  cmd(`powershell.exe -NoProfile -NonInteractive -EncodedCommand ${encode(script)}`, machine);
