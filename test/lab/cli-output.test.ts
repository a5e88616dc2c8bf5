import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

const MAIN = join(__dirname, "../../provider/src/cli/main.ts");
const TS_NODE = join(__dirname, "../../node_modules/.bin/ts-node");

function pod(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TS_NODE, ["--transpile-only", MAIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Raw control characters in `text` other than the ones allowed. */
const controls = (text: string, allowed: string): string[] =>
  [...text].filter((c) => (c < " " || c === "\u007f") && !allowed.includes(c));

/** Issue 12: what a guest prints reaches the terminal sanitized; --json keeps it exact; the bound shows. */
describe("lab: pod CLI output from a hostile guest", function () {
  this.timeout(120_000);
  requireLab();
  let guest: GuestContainer;
  // Red text, a window-title change, a bell, a carriage return that would hide "secret", a tab and a newline.
  const hostile = "\u001b[31mred\u001b]0;pwned\u0007 bell\u0007 x\rsecret\tend\n";
  const printfArg = "\\033[31mred\\033]0;pwned\\007 bell\\007 x\\rsecret\\tend\\n";

  before(async () => {
    guest = await startGuest();
  });
  after(async () => {
    await guest?.remove();
  });

  it("shows escape sequences visibly in human output, keeps \\t and \\n", async () => {
    const run = await pod(["exec", `docker:${guest.name}`, "--", "printf", printfArg]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(controls(run.stdout, "\n\t"), [], "no raw control character on the terminal");
    assert.equal(run.stdout, "\\x1b[31mred\\x1b]0;pwned\\x07 bell\\x07 x\\x0dsecret\tend\n");
  });

  it("--json carries the guest's bytes exactly (JSON-escaped)", async () => {
    const run = await pod(["--json", "exec", `docker:${guest.name}`, "--", "printf", printfArg]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(controls(run.stdout, "\n"), [], "JSON escapes control characters");
    const out = JSON.parse(run.stdout) as { results: { result: { stdout: string } }[] };
    assert.equal(out.results[0]?.result.stdout, hostile.replace(/\n$/, ""));
  });

  it("--max-output keeps that many bytes and says how much was dropped", async () => {
    const json = await pod([
      "--json",
      "exec",
      `docker:${guest.name}`,
      "--max-output",
      "100",
      "--",
      "head",
      "-c",
      "1000",
      "/dev/zero",
    ]);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { results: { result: { stdout: string; truncated?: unknown } }[] };
    assert.equal(out.results[0]?.result.stdout.length, 100);
    assert.deepEqual(out.results[0]?.result.truncated, { stdout: 900, stderr: 0 });
    const human = await pod([
      "exec",
      `docker:${guest.name}`,
      "--max-output",
      "100",
      "--",
      "head",
      "-c",
      "1000",
      "/dev/zero",
    ]);
    assert.match(human.stderr, /output truncated: 900 bytes of stdout and 0 bytes of stderr dropped/);
  });
});
