import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { markCommand, markEnvironment, markText } from "./secret-parts";

/** The value and whether Pulumi would store it encrypted. */
async function settle(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  const o = pulumi.output(value as pulumi.Input<unknown>) as pulumi.Output<unknown>;
  const secret = await pulumi.isSecret(o);
  return { value: await new Promise((resolve) => o.apply(resolve)), secret };
}

describe("sdk: secret parts of a PodCommand become { secret } markers", () => {
  it("marks secret argv words only, and keeps them Pulumi secrets", async () => {
    const argv = markCommand(["mysql", "-p", pulumi.secret("pw1"), pulumi.output("db")]) as unknown[];
    const words = await Promise.all(argv.map(settle));
    assert.deepEqual(
      words.map((w) => w.value),
      ["mysql", "-p", { secret: "pw1" }, "db"],
    );
    assert.deepEqual(
      words.map((w) => w.secret),
      [false, false, true, false],
    );
  });

  it("marks a secret script, a whole secret argv, and { script } with a secret script", async () => {
    assert.deepEqual(await settle(markCommand(pulumi.secret("echo x"))), { value: { secret: "echo x" }, secret: true });
    assert.deepEqual((await settle(markCommand(pulumi.secret(["a", "b"])))).value, [{ secret: "a" }, { secret: "b" }]);
    assert.deepEqual(await settle(markCommand({ script: pulumi.secret("s"), shell: "bash" })), {
      value: { script: { secret: "s" }, shell: "bash" },
      secret: true,
    });
    assert.deepEqual(await settle(markCommand("uname -a")), { value: "uname -a", secret: false });
  });

  it("marks secret environment values and stdin; plain ones stay plain", async () => {
    const env = markEnvironment({ A: "1", B: pulumi.secret("2") }) as Record<string, unknown>;
    assert.deepEqual(await settle(env.A), { value: "1", secret: false });
    assert.deepEqual(await settle(env.B), { value: { secret: "2" }, secret: true });
    assert.deepEqual((await settle(markEnvironment(pulumi.secret({ C: "3" })))).value, { C: { secret: "3" } });
    assert.deepEqual(await settle(markText(pulumi.secret("in"))), { value: { secret: "in" }, secret: true });
    assert.deepEqual(await settle(markText("plain")), { value: "plain", secret: false });
  });
});
