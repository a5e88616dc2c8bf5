import { runPowerShellExe } from "./powershell-exe";
import type { ProcessIo } from "./process";
import type { PSHost } from "./ps/interpreter";

/**
 * cmd.exe /c as WinRS runs a command line: %VAR% expansion, `&`, `&&`, `||`,
 * `>`/`>>` redirection (2>&1, nul) into the guest's files, and the builtins
 * and small programs a test lab needs: echo, ver, hostname, whoami, set, cd,
 * type, ipconfig, exit [/b] N, cmd /c, powershell[.exe]. Anything else is
 * "not recognized" (errorlevel 9009; cmd /c itself then exits with 1).
 */
const NOT_FOUND = 9009;

function expandVars(line: string, env: Record<string, string>): string {
  return line.replace(/%([^%\s]+)%/g, (all, name: string) => {
    const hit = Object.entries(env).find(([k]) => k.toLowerCase() === name.toLowerCase());
    return hit ? hit[1] : all;
  });
}

function splitPipes(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === '"') quoted = !quoted;
    if (c === "|" && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Splits on &, &&, || outside double quotes; ^ escapes the next character. */
function splitChain(line: string): { cmd: string; op: "&" | "&&" | "||" | "" }[] {
  const out: { cmd: string; op: "&" | "&&" | "||" | "" }[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === "^" && !quoted && i + 1 < line.length) {
      cur += line[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === "&" || (c === "|" && line[i + 1] === "|"))) {
      if (line[i - 1] === ">" || line[i - 1] === "<") {
        cur += c; // 2>&1
        continue;
      }
      const double = line[i + 1] === c;
      out.push({ cmd: cur, op: double ? (c === "&" ? "&&" : "||") : "&" });
      if (double) i++;
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push({ cmd: cur, op: "" });
  return out;
}

interface Redirect {
  stdout?: { path: string; append: boolean };
  stderrToStdout?: boolean;
  stderrNull?: boolean;
}

function takeRedirects(cmd: string): { rest: string; redirect: Redirect } {
  const redirect: Redirect = {};
  let rest = cmd.replace(/\s*2>&1/g, () => {
    redirect.stderrToStdout = true;
    return "";
  });
  rest = rest.replace(/\s*2>\s*nul\b/gi, () => {
    redirect.stderrNull = true;
    return "";
  });
  rest = rest.replace(/\s*1?(>>?)\s*("[^"]*"|[^\s]+)/, (_all, op: string, target: string) => {
    redirect.stdout = { path: target.replace(/^"|"$/g, ""), append: op === ">>" };
    return "";
  });
  return { rest, redirect };
}

function ipconfig(io: ProcessIo): string {
  const m = io.machine;
  const lines = ["", "Windows IP Configuration", "", ""];
  for (const a of m.adapters) {
    lines.push(`Ethernet adapter ${a.name}:`, "");
    lines.push("   Connection-specific DNS Suffix  . : ");
    for (const addr of m.addresses.filter((x) => x.ifIndex === a.ifIndex)) {
      const mask = addr.prefixLength === 0 ? 0 : (0xffffffff << (32 - addr.prefixLength)) >>> 0;
      const label = addr.origin === "WellKnown" ? "Autoconfiguration IPv4 Address" : "IPv4 Address";
      lines.push(`   ${`${label}`.padEnd(32, " .").slice(0, 32)}: ${addr.address}`);
      lines.push(`   Subnet Mask . . . . . . . . . . . : ${[24, 16, 8, 0].map((s) => (mask >>> s) & 255).join(".")}`);
    }
    const gw = m.routes.find((r) => r.ifIndex === a.ifIndex && r.destination === "0.0.0.0/0");
    lines.push(`   Default Gateway . . . . . . . . . : ${gw?.nextHop ?? ""}`, "");
  }
  return lines.join("\r\n");
}

export async function runCmd(commandLine: string, io: ProcessIo): Promise<number> {
  let errorlevel = 0;
  let lastNotFound = false;
  const env = { ...io.env };
  const external: PSHost["runExternal"] = async (name, args) => {
    if (!["hostname", "whoami", "cmd", "ipconfig", "powershell"].includes(name)) return undefined;
    let stdout = "";
    const exitCode = await runCmd([name, ...args.map((a) => (/\s/.test(a) ? `"${a}"` : a))].join(" "), {
      ...io,
      stdout: (t) => (stdout += t),
    });
    return { stdout, exitCode };
  };
  for (const { cmd, op } of splitChain(commandLine)) {
    if (io.signal.aborted) return 1;
    const expanded = expandVars(cmd, { ...env, ERRORLEVEL: String(errorlevel) });
    const { rest, redirect } = takeRedirects(expanded);
    let captured = "";
    const sink: ProcessIo = {
      ...io,
      env,
      stdout: redirect.stdout ? (t) => (captured += t) : io.stdout,
      stderr: redirect.stderrNull
        ? () => undefined
        : redirect.stderrToStdout
          ? redirect.stdout
            ? (t) => (captured += t)
            : io.stdout
          : io.stderr,
    };
    // a | b: a's stdout becomes b's stdin (run one after the other; enough for the builtins).
    const stages = splitPipes(rest);
    let input: Buffer | undefined;
    let result: number | "exit" | { exit: number } = 0;
    for (let s = 0; s < stages.length; s++) {
      const last = s === stages.length - 1;
      let piped = "";
      const stdin = input;
      const stageIo: ProcessIo = {
        ...sink,
        ...(last ? {} : { stdout: (t: string) => (piped += t) }),
        ...(stdin ? { readStdin: async () => stdin } : {}),
      };
      result = await runOne((stages[s] ?? "").trim(), stageIo, env, external);
      input = Buffer.from(piped, "utf8");
    }
    if (result === "exit") return errorlevel;
    if (typeof result === "object") return result.exit;
    errorlevel = result;
    lastNotFound = result === NOT_FOUND;
    if (redirect.stdout && !/^nul$/i.test(redirect.stdout.path)) {
      const key = io.machine.fileKey(redirect.stdout.path);
      const before = redirect.stdout.append ? (io.machine.files.get(key)?.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
      io.machine.files.set(key, {
        path: redirect.stdout.path,
        data: Buffer.concat([before, Buffer.from(captured, "utf8")]),
      });
    }
    if ((op === "&&" && errorlevel !== 0) || (op === "||" && errorlevel === 0)) break;
  }
  return lastNotFound ? 1 : errorlevel;
}

async function runOne(
  line: string,
  io: ProcessIo,
  env: Record<string, string>,
  external: PSHost["runExternal"],
): Promise<number | "exit" | { exit: number }> {
  if (line === "") return 0;
  const m = /^("[^"]*"|[^\s]+)\s?(.*)$/s.exec(line) as RegExpExecArray;
  const rawName = (m[1] ?? "").replace(/^"|"$/g, "");
  const args = m[2] ?? "";
  const lower = rawName.toLowerCase();
  if (/^echo[.:(]/i.test(line) && !/\s/.test(line.slice(4, 5))) {
    io.stdout(`${line.slice(5)}\r\n`);
    return 0;
  }
  const name = lower.replace(/\.exe$/, "").replace(/^c:\\windows\\system32\\(windowspowershell\\v1\.0\\)?/, "");
  switch (name) {
    case "echo":
      if (args.trim() === "") io.stdout("ECHO is on.\r\n");
      else if (/^(on|off)$/i.test(args.trim())) return 0;
      else io.stdout(`${args.replace(/\s+$/, "")}\r\n`);
      return 0;
    case "ver":
      io.stdout(`\r\nMicrosoft Windows [Version ${io.machine.os.version}.${io.machine.os.ubr}]\r\n`);
      return 0;
    case "hostname":
      io.stdout(`${io.machine.hostname}\r\n`);
      return 0;
    case "whoami":
      if (args.trim() !== "") {
        io.stderr(
          `ERROR: Invalid argument/option - '${args.trim().split(/\s+/)[0]}'.\r\nType "WHOAMI /?" for usage.\r\n`,
        );
        return 1;
      }
      io.stdout(`${io.machine.hostname.toLowerCase()}\\administrator\r\n`);
      return 0;
    case "ipconfig":
      io.stdout(`${ipconfig(io)}\r\n`);
      return 0;
    case "exit": {
      const em = /^(\/b\s*)?(-?\d+)?/i.exec(args.trim());
      const code = em?.[2] === undefined ? undefined : Number(em[2]);
      if (em?.[1]) return code === undefined ? "exit" : { exit: code };
      return { exit: code ?? 0 };
    }
    case "set": {
      const a = args.trim().replace(/^"(.*)"$/, "$1");
      if (a === "" || !a.includes("=")) {
        const hits = Object.entries(env)
          .filter(([k]) => k.toLowerCase().startsWith(a.toLowerCase()))
          .sort(([x], [y]) => x.localeCompare(y));
        if (hits.length === 0) {
          io.stderr(`Environment variable ${a} not defined\r\n`);
          return 1;
        }
        io.stdout(hits.map(([k, v]) => `${k}=${v}\r\n`).join(""));
        return 0;
      }
      const eq = a.indexOf("=");
      const key = Object.keys(env).find((k) => k.toLowerCase() === a.slice(0, eq).toLowerCase()) ?? a.slice(0, eq);
      if (a.slice(eq + 1) === "") delete env[key];
      else env[key] = a.slice(eq + 1);
      return 0;
    }
    case "cd":
    case "chdir":
      if (args.trim() === "") io.stdout(`${io.cwd}\r\n`);
      else if (
        !io.machine.dirExists(
          args
            .trim()
            .replace(/^\/d\s+/i, "")
            .replace(/"/g, ""),
        )
      ) {
        io.stderr("The system cannot find the path specified.\r\n");
        return 1;
      }
      return 0;
    case "type": {
      const path = args.trim().replace(/^"|"$/g, "");
      const f = io.machine.files.get(io.machine.fileKey(path));
      if (!f) {
        io.stderr("The system cannot find the file specified.\r\n");
        return 1;
      }
      io.stdout(f.data.toString("utf8"));
      return 0;
    }
    case "cmd": {
      const cm = /^\/[ck]\s+(.*)$/is.exec(args.trim());
      if (!cm) return 0;
      return runCmd((cm[1] ?? "").replace(/^"(.*)"$/s, "$1"), { ...io, env });
    }
    case "powershell":
      return runPowerShellExe(args, { ...io, env }, external);
  }
  io.stderr(
    `'${rawName}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`,
  );
  return NOT_FOUND;
}
