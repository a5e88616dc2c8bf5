import assert from "node:assert/strict";
import { isSecret } from "../../common/secret";
import { describeCommand, toPodCommand } from "../../execution/command";
import type { CommandResult } from "../../execution/result";
import type { OsInfo } from "../../os/types";
import type { PodCommandInputs } from "./args";
import { podCommandInputsSchema } from "./args";
import { failedRun } from "./run";
import { environmentOf, fromWireCommand, outputIsSecret } from "./secret-parts";

const LINUX: OsInfo = {
  type: "linux",
  family: "debian",
  distribution: "debian",
  version: "12",
  container: false,
  tools: [],
};
const target = { host: "10.0.0.5", user: "pod", password: "pw" };

describe("resources/pod-command: { secret } markers from the SDK", () => {
  it("validates and turns markers into Secrets: argv words, scripts, env values, stdin", () => {
    const inputs = podCommandInputsSchema.parse({
      target,
      create: ["mysql", "-p", { secret: "pw1" }],
      environment: { PLAIN: "1", TOKEN: { secret: "t0k" } },
      stdin: { secret: "in" },
    }) as PodCommandInputs;
    const argv = toPodCommand(fromWireCommand(inputs.create), LINUX) as readonly unknown[];
    assert.equal(isSecret(argv[2]), true);
    assert.equal(describeCommand(toPodCommand(fromWireCommand(inputs.create), LINUX)), "mysql -p ***");
    assert.equal(describeCommand(toPodCommand(fromWireCommand({ secret: "echo x" }), LINUX)), "sh: ***");
    assert.equal(
      describeCommand(toPodCommand(fromWireCommand({ script: { secret: "dir" }, shell: "cmd" }), LINUX)),
      "cmd: ***",
    );
    const env = environmentOf(inputs);
    assert.equal(env?.PLAIN, "1");
    assert.equal(isSecret(env?.TOKEN), true);
    assert.equal(outputIsSecret(inputs, toPodCommand(fromWireCommand(inputs.create), LINUX)), true);
    const plain = { target, create: ["id"] } as PodCommandInputs;
    assert.equal(outputIsSecret(plain, toPodCommand(fromWireCommand(plain.create), LINUX)), false);
    assert.equal(outputIsSecret({ ...plain, secretOutputs: true }, ["id"]), true);
    assert.equal(podCommandInputsSchema.safeParse({ target, create: [{ secret: 1 }] }).success, false);
    assert.equal(podCommandInputsSchema.safeParse({ target, create: [{ secret: "a", x: 1 }] }).success, false);
  });

  it("keeps stderr out of the error when the output is secret", () => {
    const result: CommandResult = {
      command: "x",
      host: "g:22",
      transport: "ssh",
      stdout: "",
      stderr: "line one\npassword=hunter2",
      exitCode: 3,
      success: false,
      timedOut: false,
      durationMs: 1,
    };
    assert.match(failedRun(result).message, /password=hunter2/);
    const withheld = failedRun(result, true).message;
    assert.doesNotMatch(withheld, /hunter2|line one/);
    assert.match(withheld, /exited 3 on g:22; its stderr \(2 lines\) is withheld/);
  });
});
