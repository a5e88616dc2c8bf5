import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { posixArgv, posixShellScript, posixWrap } from "./posix";
import { isPlainArgv } from "./posix-argv";
import { posixSessionCommand } from "./posix-session";

describe("os/shell/posix-argv: argvs that timeout may run without a second shell", () => {
  it("takes what posixArgv and scripts build, and nothing a shell treats specially", () => {
    for (const argv of [
      ["uname", "-r"],
      ["/usr/bin/printf", "%s|", "a b", "it's", "$HOME", "*", "x\ny", ""],
      ["systemctl", "is-active", "ssh.service"],
      ["./run.sh", "--flag=1"],
    ]) {
      assert.equal(isPlainArgv(posixArgv(argv)), true, posixArgv(argv));
    }
    assert.equal(isPlainArgv(posixShellScript("sh", "cd /tmp && ls | wc -l; exit 3")), true);
    for (const line of [
      "echo ok", // a builtin: /bin/echo may differ (backslashes)
      "cd /tmp",
      "exit 3",
      "export A=1",
      "[ -f x ]",
      "if true",
      "uname -r; id",
      "uname -r | cat",
      "uname $X",
      "ls *",
      "A=1 uname",
      "uname  -r", // two spaces: not posixArgv's form
      "'uname' -r", // a quoted program: leave it to the shell
      "-x foo",
      "echo 'unterminated",
      "ls ~",
      "uname -r\nid",
      "",
    ]) {
      assert.equal(isPlainArgv(line), false, JSON.stringify(line));
    }
    assert.equal(isPlainArgv("/bin/echo ok"), true, "a path is never a builtin");
  });
});

describe("os/shell/posix: a plain argv under a deadline runs without a second shell", () => {
  let dir: string;
  let fakeShell: string;
  let touched: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-argv-"));
    touched = join(dir, "shell-ran");
    fakeShell = join(dir, "fake-shell");
    // A login shell that says it was started, then behaves as sh.
    writeFileSync(fakeShell, `#!/bin/sh\n: > '${touched}'\nexec /bin/sh "$@"\n`);
    chmodSync(fakeShell, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => rmSync(touched, { force: true }));

  const run = (outer: string, line: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync(outer, ["-c", line], { encoding: "utf8", env: { ...process.env, SHELL: fakeShell, ...env } });

  for (const outer of ["/bin/sh", "/bin/bash", "/bin/dash"]) {
    it(`passes every word, stdout, stderr and the exit code through (${outer})`, () => {
      const words = ["a b", "it's", "$HOME", "*", "x\ny", "", "back\\slash"];
      const line = posixWrap(posixArgv(["/usr/bin/printf", "%s|", ...words]), { timeoutSeconds: 30 });
      assert.ok(!line.includes("pod_cmd"), line);
      const r = run(outer, line);
      assert.equal(r.stdout, `${words.join("|")}|`);
      assert.equal(r.status, 0);
      assert.equal(existsSync(touched), false, "no $SHELL was started");

      const script = posixWrap(posixShellScript("sh", "echo out; echo err >&2; exit 7"), { timeoutSeconds: 30 });
      const s = run(outer, script);
      assert.deepEqual([s.stdout, s.stderr, s.status], ["out\n", "err\n", 7]);
      assert.equal(existsSync(touched), false, "sh -c '…' is run by timeout itself");
    });
  }

  it("still starts $SHELL for a builtin or shell syntax", () => {
    const r = run("/bin/sh", posixWrap("echo ok; exit 4", { timeoutSeconds: 30 }));
    assert.deepEqual([r.stdout, r.status], ["ok\n", 4]);
    assert.equal(existsSync(touched), true, "the login shell parsed the command");
  });

  it("ends a plain argv at the deadline (124), and runs it without timeout when the guest has none", function () {
    this.timeout(10_000);
    const late = run("/bin/sh", posixWrap(posixArgv(["sleep", "5"]), { timeoutSeconds: 1, killAfterSeconds: 1 }));
    assert.equal(late.status, 124);
    // PATH without timeout: the fallback execs the program itself.
    const line = posixWrap(posixArgv(["/usr/bin/printf", "no timeout"]), { timeoutSeconds: 5 });
    const r = run("/bin/sh", line, { PATH: join(dir, "empty") });
    assert.deepEqual([r.stdout, r.status], ["no timeout", 0]);
    // A missing program: 127, as from the shell.
    const missing = run("/bin/sh", posixWrap(posixArgv(["pod-no-such-program"]), { timeoutSeconds: 5 }));
    assert.equal(missing.status, 127);
    assert.doesNotThrow(() => execFileSync("/bin/sh", ["-n", "-c", line]));
  });
});

describe("os/shell/posix-session: a plain argv costs the persistent shell one fork, not two", () => {
  it("bash runs the program in place of the command's subshell, output and status framed as before", () => {
    // bash 5.2 keeps the (eval …) subshell waiting for its last command; exec makes the program replace it.
    const script =
      'echo "main $$"\n' +
      posixSessionCommand(posixArgv(["/bin/sh", "-c", "echo parent=$PPID; exit 3"]), "M1") +
      posixSessionCommand("echo builtin; exit 4", "M2");
    const out = execFileSync("/bin/bash", ["-s"], { input: script, encoding: "utf8" });
    const main = /^main (\d+)\n/.exec(out)?.[1];
    assert.ok(main, out);
    assert.equal(out, `main ${main}\nparent=${main}\nM1 3\nbuiltin\nM2 4\n`);
    assert.equal(posixWrap("uname -r"), "exec uname -r");
    assert.equal(posixWrap("uname -r; id"), "uname -r; id");
  });
});
