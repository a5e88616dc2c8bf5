import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { podType, resourceUrn, urnInput } from "./urn";

const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe("sdk: the URN a resource passes as pulumiUrn", () => {
  it("is built like Pulumi's: the parent's qualified type, never the stack's", () => {
    const base = { stack: "dev", project: "lab", type: podType("PodVm"), name: "web" };
    assert.equal(resourceUrn(base), "urn:pulumi:dev::lab::pulumi-nodejs:dynamic/pod:PodVm::web");
    assert.equal(
      resourceUrn({ ...base, parentUrn: "urn:pulumi:dev::lab::pulumi:pulumi:Stack::lab-dev" }),
      "urn:pulumi:dev::lab::pulumi-nodejs:dynamic/pod:PodVm::web",
    );
    assert.equal(
      resourceUrn({ ...base, parentUrn: "urn:pulumi:dev::lab::my:lab:Fleet$my:lab:Rack::rack-1" }),
      "urn:pulumi:dev::lab::my:lab:Fleet$my:lab:Rack$pulumi-nodejs:dynamic/pod:PodVm::web",
    );
  });

  describe("against Pulumi's own URNs (mocked engine)", () => {
    const seen = new Map<string, unknown>();
    before(async () => {
      await pulumi.runtime.setMocks(
        {
          newResource: (args) => {
            seen.set(args.name, args.inputs.pulumiUrn);
            return { id: `${args.name}-id`, state: args.inputs };
          },
          call: () => ({}),
        },
        "lab",
        "dev",
        false,
      );
    });

    class Fleet extends pulumi.ComponentResource {
      constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("my:lab:Fleet", name, {}, opts);
      }
    }
    /** Stands in for PodVm: same type token, same pulumiUrn input, no provider process. */
    class FakeVm extends pulumi.CustomResource {
      constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super(podType("PodVm"), name, { pulumiUrn: urnInput("PodVm", name, opts) }, opts);
      }
    }

    // The mocked engine keeps only the last segment of a parent's type; the
    // real one (pkg/resource/deploy/deployment.go generateURN) keeps all of it,
    // as resourceUrn does: nested parents are checked in the test above.
    it("matches for a top-level resource and for siblings under a component, without a cycle", async () => {
      const fleet = new Fleet("fleet");
      const vms = [new FakeVm("top"), new FakeVm("a", { parent: fleet }), new FakeVm("b", { parent: fleet })];
      const urns = await Promise.all(vms.map((vm) => resolved(vm.urn)));
      assert.deepEqual(
        ["top", "a", "b"].map((name) => seen.get(name)),
        urns,
      );
      assert.equal(urns[1], "urn:pulumi:dev::lab::my:lab:Fleet$pulumi-nodejs:dynamic/pod:PodVm::a");
    });
  });
});
