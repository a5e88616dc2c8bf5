import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { GuestTarget } from "./generated/types";
import type { DeepInput } from "./inputs";

describe("sdk/inputs: DeepInput", () => {
  it("takes an Output at any depth of an object input (a wrong type here fails `make lint`'s tsc)", () => {
    // Pulumi's Asset and Archive have no public instance members, so a check for them inside
    // DeepInput once made every object type plain: a README program passing an Output failed to compile.
    const target: DeepInput<GuestTarget> = {
      host: pulumi.output("10.0.0.5"),
      hostKeys: pulumi.output(["SHA256:x"]),
      user: "pod",
    };
    assert.ok(pulumi.Output.isInstance((target as { host: unknown }).host));
  });
});
