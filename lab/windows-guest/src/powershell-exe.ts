import { ClixmlWriter } from "./clixml-writer";
import { decodeInput, type ProcessIo, splitArgs } from "./process";
import { StoppedSignal } from "./ps/errors";
import { Interpreter, type PSHost } from "./ps/interpreter";
import { ALIASES, CMDLETS } from "./ps/registry";

/**
 * powershell.exe (Windows PowerShell 5.1) as WinRS starts it:
 * -EncodedCommand (base64 UTF-16LE; errors as CLIXML on stderr), -Command
 * (the rest of the line; plain-text errors), or no command (script from
 * stdin). -NoProfile, -NonInteractive, -NoLogo, -ExecutionPolicy,
 * -InputFormat, -OutputFormat are accepted. Exit code: `exit N`, else 1 when
 * the last statement failed, else 0.
 */
const SWITCHES = ["noprofile", "noninteractive", "nologo", "noexit", "sta", "mta"];
const WITH_VALUE = ["executionpolicy", "inputformat", "outputformat", "windowstyle", "version", "configurationname"];

function resolveParam(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === "e" || n === "ec" || n === "enc") return "encodedcommand";
  if (n === "ep" || n === "ex") return "executionpolicy";
  if (n === "c") return "command";
  if (n === "nop") return "noprofile";
  if (n === "noni") return "noninteractive";
  const all = [...SWITCHES, ...WITH_VALUE, "encodedcommand", "command", "file"];
  const hits = all.filter((p) => p.startsWith(n));
  return hits.length === 1 ? hits[0] : all.find((p) => p === n);
}

export async function runPowerShellExe(
  argLine: string,
  io: ProcessIo,
  external: PSHost["runExternal"],
): Promise<number> {
  const args = splitArgs(argLine);
  let script: string | undefined;
  let clixml = false;
  let nonInteractive = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (!a.startsWith("-") && !a.startsWith("/")) {
      script = args.slice(i).join(" ");
      break;
    }
    const p = resolveParam(a.slice(1));
    if (p === "encodedcommand") {
      const b64 = args[i + 1] ?? "";
      script = Buffer.from(b64, "base64").toString("utf16le");
      clixml = true;
      i++;
    } else if (p === "command") {
      script = args.slice(i + 1).join(" ");
      break;
    } else if (p === "file") {
      io.stderr(
        `The argument '${args[i + 1] ?? ""}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.\r\n`,
      );
      return 4294770688;
    } else if (p && WITH_VALUE.includes(p)) i++;
    else if (p === "noninteractive") nonInteractive = true;
    else if (!p || !SWITCHES.includes(p)) {
      io.stderr(
        `${a} : The term '${a}' is not recognized as the name of a cmdlet, function, script file, or operable program.\r\n`,
      );
      return 1;
    }
  }
  if (script === undefined) script = decodeInput(await io.readStdin(), io.codepage);

  const errors = new ClixmlWriter(io.stderr);
  let stdinUsed = false;
  const host: PSHost = {
    machine: io.machine,
    write: io.stdout,
    writeError: (record) => (clixml ? errors.stream("Error", record.format()) : io.stderr(record.format())),
    writeStream: (kind, text) => {
      if (clixml) errors.stream(kind, text);
      else io.stdout(`${kind.toUpperCase()}: ${text}\r\n`);
    },
    writeProgress: (activity) => {
      if (clixml) errors.progress(activity);
    },
    readStdin: async () => {
      if (stdinUsed) return "";
      stdinUsed = true;
      return decodeInput(await io.readStdin(), io.codepage);
    },
    signal: io.signal,
    nonInteractive,
    runExternal: external,
  };
  const interp = new Interpreter(host, CMDLETS, ALIASES, io.env);
  try {
    return await interp.run(script);
  } catch (error) {
    if (error instanceof StoppedSignal || io.signal.aborted) return 1;
    throw error;
  } finally {
    errors.close();
  }
}
