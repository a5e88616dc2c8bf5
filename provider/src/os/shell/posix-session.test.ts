import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { posixKillTree, posixSessionCommand, posixSessionHello, posixSessionStart } from "./posix-session";

/** Runs a script with the local /bin/sh: the builders' output is meant for any POSIX sh. */
const sh = (script: string) => execFileSync("/bin/sh", ["-s"], { input: script, encoding: "utf8", stdio: "pipe" });

describe("posix-session builders", () => {
  it("frames a command with its exit status, whatever quotes and parentheses it holds", () => {
    const out = sh(posixSessionCommand("echo 'it''s' \"(x)\"; exit 4", "M1"));
    assert.equal(out, "its (x)\nM1 4\n");
    const broken = sh(posixSessionCommand("echo 'unterminated", "M2") + posixSessionCommand("echo fine", "M3"));
    assert.match(broken, /M2 2\nfine\nM3 0\n$/);
  });

  it("keeps env, cwd and exports inside the command's subshell", () => {
    const script =
      posixSessionCommand("export A=1; cd /", "M1", { env: { B: "x'y\n$HOME" }, cwd: "/tmp" }) +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a template
      posixSessionCommand('printf "%s|%s|%s" "${A-u}" "${B-u}" "$(pwd)"', "M2");
    const out = sh(`cd /usr\n${script}`);
    assert.equal(out, "M1 0\nu|u|/usrM2 0\n");
    assert.equal(sh(posixSessionCommand('printf %s "$B"', "M", { env: { B: "x'y\n$HOME" } })), "x'y\n$HOMEM 0\n");
  });

  it("puts the marker on stdout with the status and on stderr alone, and takes only bare markers", () => {
    const marker = "_pod_Ab-9_zQ0123456789"; // newMarker's form: base64url after a prefix
    const run = spawnSync("/bin/sh", ["-s"], { input: posixSessionCommand("echo out; echo err >&2; exit 3", marker) });
    assert.equal(run.stdout.toString(), `out\n${marker} 3\n`);
    assert.equal(run.stderr.toString(), `err\n${marker}\n`);
    for (const bad of ["-n", "a b", "a'b", "a\\b", "$x", ""]) {
      assert.throws(() => posixSessionCommand("true", bad), /not a session marker/, bad);
    }
  });

  it("never puts an env value on a command line and refuses bad names", () => {
    assert.throws(() => posixSessionCommand("true", "M", { env: { "A-B": "1" } }), /not a valid environment/);
  });

  it("the hello prints the shell's PID and the start command picks a POSIX shell", () => {
    const out = sh(posixSessionHello("H"));
    assert.match(out, /^H \d+\n$/);
    assert.match(posixSessionStart(), /exec "\$SHELL"/);
    assert.match(posixSessionStart(), /exec \/bin\/sh/);
  });

  it("the tree killer names only descendants of the pid and refuses nonsense", () => {
    assert.match(posixKillTree(1234, "TERM"), /q\[1\] = "1234"/);
    assert.match(posixKillTree(1234, "KILL"), /kill -s KILL/);
    assert.throws(() => posixKillTree(1, "TERM"));
    assert.throws(() => posixKillTree(Number.NaN, "TERM"));
  });

  it("the tree killer ends a real process tree and spares the root", async () => {
    // The root waits on a child that has a child of its own; both must go, the root must not.
    const root = spawn("/bin/sh", ["-c", "sh -c 'sleep 301 & wait' & wait; echo root-survived"]);
    let out = "";
    root.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => root.on("exit", resolve));
    const pid = root.pid ?? 0;
    // No event says "the grandchild has started": look for it in /proc, for at most 5 s.
    const deadline = Date.now() + 5000;
    while (!descendants(pid).some((p) => p.cmdline.startsWith("sleep\u0000301"))) {
      assert.ok(Date.now() < deadline, "the test's process tree never started");
      await new Promise((r) => setTimeout(r, 20));
    }
    execFileSync("/bin/sh", ["-c", posixKillTree(pid, "TERM")]);
    assert.equal(await exited, 0);
    assert.equal(out, "root-survived\n");
  });
});

/** Processes under pid, from /proc. */
function descendants(pid: number): { pid: number; cmdline: string }[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone already
    }
  }
  const found: { pid: number; cmdline: string }[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const [child, ppid] of parent) {
      if (ppid !== next) continue;
      queue.push(child);
      try {
        found.push({ pid: child, cmdline: readFileSync(`/proc/${child}/cmdline`, "utf8") });
      } catch {
        // gone already
      }
    }
  }
  return found;
}
