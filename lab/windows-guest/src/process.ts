import type { Machine } from "./machine";

/** What an emulated program (cmd.exe, powershell.exe, hostname.exe …) gets from WinRS. */
export interface ProcessIo {
  machine: Machine;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The command's stdin up to End="true" (waits for it, as a real process would). */
  readStdin(): Promise<Buffer>;
  /** WinRS terminate / shell deleted. */
  signal: AbortSignal;
  env: Record<string, string>;
  cwd: string;
  /** WINRS_CODEPAGE of the shell: 65001 (UTF-8) or an OEM code page (decoded as Latin-1). */
  codepage: number;
}

/** Windows' CommandLineToArgvW rules (quotes group, backslashes before quotes escape them). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === "\\") {
      let n = 0;
      while (line[i + n] === "\\") n++;
      if (line[i + n] === '"') {
        cur += "\\".repeat(Math.floor(n / 2));
        if (n % 2 === 1) cur += '"';
        else inQuotes = !inQuotes;
        i += n;
      } else {
        cur += "\\".repeat(n);
        i += n - 1;
      }
      started = true;
    } else if (c === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if (/\s/.test(c) && !inQuotes) {
      if (started) out.push(cur);
      cur = "";
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) out.push(cur);
  return out;
}

/** The default environment of an Administrator WinRS session on Server 2022. */
export function defaultEnv(machine: Machine): Record<string, string> {
  return {
    ALLUSERSPROFILE: "C:\\ProgramData",
    APPDATA: "C:\\Users\\Administrator\\AppData\\Roaming",
    COMPUTERNAME: machine.hostname,
    ComSpec: "C:\\Windows\\system32\\cmd.exe",
    HOMEDRIVE: "C:",
    HOMEPATH: "\\Users\\Administrator",
    LOCALAPPDATA: "C:\\Users\\Administrator\\AppData\\Local",
    NUMBER_OF_PROCESSORS: "2",
    OS: "Windows_NT",
    Path: "C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
    PATHEXT: ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC",
    PROCESSOR_ARCHITECTURE: "AMD64",
    ProgramData: "C:\\ProgramData",
    ProgramFiles: "C:\\Program Files",
    PROMPT: "$P$G",
    PSModulePath:
      "C:\\Users\\Administrator\\Documents\\WindowsPowerShell\\Modules;C:\\Program Files\\WindowsPowerShell\\Modules;C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules",
    PUBLIC: "C:\\Users\\Public",
    SystemDrive: "C:",
    SystemRoot: "C:\\Windows",
    TEMP: "C:\\Users\\ADMINI~1\\AppData\\Local\\Temp",
    TMP: "C:\\Users\\ADMINI~1\\AppData\\Local\\Temp",
    USERDOMAIN: machine.hostname,
    USERNAME: "Administrator",
    USERPROFILE: "C:\\Users\\Administrator",
    windir: "C:\\Windows",
  };
}

export const decodeInput = (data: Buffer, codepage: number): string =>
  data.toString(codepage === 65001 ? "utf8" : "latin1");
