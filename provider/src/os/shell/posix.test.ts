import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { isPodError } from "../../common/errors";
import {
  posixArgv,
  posixEnvInput,
  posixEnvPrefix,
  posixKillByEnvMarker,
  posixQuote,
  posixShellScript,
  posixWrap,
} from "./posix";

/** What sh makes of a command line: each word on its own line, NUL-separated. */
function shWords(line: string): string[] {
  const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

const NASTY = [
  "plain",
  "",
  "two words",
  "it's",
  "'",
  "''",
  '"double"',
  "$HOME",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell expansion is the point
  "${PATH}",
  "`id`",
  "$(id)",
  "a;b",
  "a&&b",
  "a|b",
  "a>b",
  "<in",
  "*",
  "?",
  "[a-z]",
  "~",
  "~root",
  "#comment",
  "back\\slash",
  "tab\there",
  "new\nline",
  "!bang",
  "A=b",
  "-n",
  "ünïcödé ✓",
];

describe("os/shell/posix", () => {
  it("leaves safe words bare and single-quotes the rest", () => {
    assert.equal(posixQuote("abc-1.2_/x:y,z@h%+"), "abc-1.2_/x:y,z@h%+");
    assert.equal(posixQuote(""), "''");
    assert.equal(posixQuote("a b"), "'a b'");
    assert.equal(posixQuote("it's"), "'it'\\''s'");
    // An unquoted A=b would be an assignment, not a word.
    assert.equal(posixQuote("A=b"), "'A=b'");
  });

  it("round-trips shell metacharacters through a real /bin/sh unchanged", () => {
    assert.deepEqual(shWords(posixArgv(NASTY)), NASTY);
  });

  it("refuses NUL and an empty argv", () => {
    assert.throws(
      () => posixQuote("a\0b"),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.throws(
      () => posixArgv([]),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("exports env with quoted values and checks names", () => {
    assert.equal(posixEnvPrefix({ A: "1", B_2: "x y" }), "export A=1 B_2='x y'");
    assert.throws(
      () => posixEnvPrefix({ "BAD-NAME": "x" }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.throws(
      () => posixEnvPrefix({ "A;rm -rf /": "x" }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("wraps with cwd, env and a guest-side deadline that a real sh runs", () => {
    const env = { GREETING: "it's $HOME" };
    const line = posixWrap('echo "$GREETING" from $(pwd)', { cwd: "/tmp", envFromStdin: ["GREETING"] });
    assert.ok(!line.includes("$HOME"), "the value is not on the command line");
    const out = execFileSync("/bin/sh", ["-c", line], { encoding: "utf8", input: posixEnvInput(env, ["GREETING"]) });
    assert.equal(out, "it's $HOME from /tmp\n");

    const timed = posixWrap("echo in time; exit 7", { timeoutSeconds: 5 });
    assert.match(timed, /exec timeout -k 5 5 "\$\{SHELL:-\/bin\/sh\}" -c "\$pod_cmd"/);
    let status = 0;
    try {
      execFileSync("/bin/sh", ["-c", timed], { encoding: "utf8", env: { ...process.env, SHELL: "/bin/sh" } });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    assert.equal(status, 7, "the wrapper passes the exit code through");
  });

  for (const shell of ["/bin/sh", "/bin/bash", "/bin/dash"]) {
    it(`env values travel on stdin, byte for byte, and the command's stdin follows (${shell})`, () => {
      const env = {
        A: "line1\nline2\n",
        B: "back\\slash \\0101 %s 'q' \"d\" $(id) ü €",
        C: "",
        D: "x",
        // Printable ASCII without a backslash travels as it is (no printf, no fork).
        E: `plain 'q' "d" $(id) %s *`,
      };
      const names = Object.keys(env);
      const line = posixWrap('printf "%s|" "$A" "$B" "$C" "$D" "$E"; cat', { envFromStdin: names, timeoutSeconds: 30 });
      for (const value of Object.values(env).filter((v) => v.length > 1)) assert.ok(!line.includes(value));
      const input = Buffer.concat([posixEnvInput(env, names), Buffer.from("user stdin\n")]);
      const out = execFileSync(shell, ["-c", line], { encoding: "utf8", input, env: { ...process.env, SHELL: shell } });
      assert.equal(out, `${env.A}|${env.B}|${env.C}|x|${env.E}|user stdin\n`);
    });
  }

  it("env lines are printable ASCII; a missing line stops the run with 125", () => {
    const input = posixEnvInput({ P: "a\nb\\ü" }, ["P"]).toString("latin1");
    assert.equal(input, "a\\0012b\\0134\\0303\\0274\n");
    let status = 0;
    try {
      execFileSync("/bin/sh", ["-c", posixWrap("echo ran", { envFromStdin: ["P"] })], { input: "" });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    assert.equal(status, 125);
    assert.throws(
      () => posixEnvInput({ P: "a\0b" }, ["P"]),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("ends a command at the guest-side deadline (exit 124 from timeout)", function () {
    this.timeout(10_000);
    const line = posixWrap("sleep 5; echo late", { timeoutSeconds: 1, killAfterSeconds: 1 });
    let status = 0;
    try {
      execFileSync("/bin/sh", ["-c", line], { env: { ...process.env, SHELL: "/bin/sh" } });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    assert.equal(status, 124);
  });

  it("builds a kill-by-marker script and named-shell scripts", () => {
    const kill = posixKillByEnvMarker("POD_EXEC_ID", "abc-123", "TERM");
    assert.match(kill, /grep -qx -- 'POD_EXEC_ID=abc-123'/);
    assert.match(kill, /kill -TERM/);
    assert.doesNotThrow(() => execFileSync("/bin/sh", ["-n", "-c", kill]), "valid sh syntax");
    assert.equal(posixShellScript("bash", "echo 'hi'"), "bash -c 'echo '\\''hi'\\'''");
  });
});
