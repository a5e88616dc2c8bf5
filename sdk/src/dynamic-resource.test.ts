import assert from "node:assert/strict";
import { isPodError } from "@pod-lab/provider";
import * as pulumi from "@pulumi/pulumi";
import { type DynamicResourceSpec, dynamicResourceArgs } from "./dynamic-resource";

const spec = (module: string): DynamicResourceSpec => ({
  type: "PodThing",
  module,
  outputs: ["moid"],
  secretOutputs: ["connection"],
  secretOutputsOnRequest: ["stdout"],
});

describe("sdk: a generated class's dynamic resource wiring", () => {
  it("refuses, at construction, a provider that is not a copy under node_modules, naming the fix", () => {
    // In this repository @pod-lab/provider is a workspace symlink: exactly a `npm install <folder>`.
    assert.throws(
      () => dynamicResourceArgs(spec("@pod-lab/provider/package.json"), "web", {}, undefined),
      (e: unknown) => {
        assert.ok(isPodError(e, "UNSUPPORTED"));
        assert.match(e.message, /symlinked install outside node_modules/);
        assert.match(e.fix ?? "", /make pack.*--install-links/);
        assert.match(e.stack ?? "", /^\[UNSUPPORTED\] .* Fix: install pod as copies/, "what Pulumi prints");
        return true;
      },
    );
  });

  it("marks credentials secret (more on request), registers outputs and keeps the user's options", async () => {
    // Any module under node_modules stands in for the provider here.
    const [, name, props, opts, module, type] = dynamicResourceArgs(
      spec("zod"),
      "web",
      { connection: { password: "p" }, name: "web-01", secretOutputs: true },
      { additionalSecretOutputs: ["name"], protect: true },
    );
    assert.deepEqual([name, module, type], ["web", "pod", "PodThing"]);
    assert.ok(pulumi.Output.isInstance(props.connection));
    assert.equal(await pulumi.isSecret(props.connection as pulumi.Output<unknown>), true);
    assert.equal(props.name, "web-01");
    assert.ok("moid" in props && props.moid === undefined);
    assert.equal(props.secretOutputs, true, "the provider is told, so it keeps secret output out of its errors too");
    assert.deepEqual(opts.additionalSecretOutputs, ["connection", "stdout", "name"]);
    assert.equal(opts.protect, true);
  });
});
