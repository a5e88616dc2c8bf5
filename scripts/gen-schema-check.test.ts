import assert from "node:assert/strict";
import { z } from "zod";
import { providerConfigSchema } from "../provider/src/credentials/provider-config-schema";
import { buildSchema } from "./gen-schema";
import { loadMetaschema, metaschemaErrors } from "./gen-schema-metaschema";
import type { Json } from "./gen-schema-types";
import { zodMismatches } from "./gen-schema-zod-check";
import { RESOURCES } from "./resources";

// biome-ignore lint/suspicious/noExplicitAny: tests reach into parsed JSON freely
type Any = Record<string, any>; // mutating parsed JSON in tests
const fresh = (): Any => structuredClone(buildSchema()) as Any;
const zodCheck = (s: Any) => zodMismatches(s as Json, RESOURCES, providerConfigSchema);
const res = (s: Any, name: string): Any => s.resources[`pod:index:${name}`];

describe("schema.json checks (make lint)", function () {
  this.timeout(60_000); // ajv compiles the metaschema once per check; the lab machine is shared
  let metaschema: Json;
  before(() => {
    metaschema = loadMetaschema();
  });

  it("the generated schema satisfies Pulumi's metaschema and the zod schemas", () => {
    const schema = fresh();
    assert.deepEqual(metaschemaErrors(schema, metaschema), []);
    assert.deepEqual(zodCheck(schema), []);
  });

  describe("Pulumi's metaschema rejects", () => {
    const rejects = (mutate: (s: Any) => void, path: RegExp) => {
      const schema = fresh();
      mutate(schema);
      const errors = metaschemaErrors(schema, metaschema);
      assert.ok(
        errors.some((e) => path.test(e)),
        `expected an error at ${path}, got:\n${errors.join("\n")}`,
      );
    };
    it("an unknown primitive type", () =>
      rejects((s) => {
        res(s, "PodVm").inputProperties.numCpus.type = "int";
      }, /^\/resources\/pod:index:PodVm\/inputProperties\/numCpus/));
    it("a union of one member", () =>
      rejects((s) => {
        const create = res(s, "PodCommand").inputProperties.create;
        create.oneOf = create.oneOf.slice(0, 1);
      }, /\/create\/oneOf.*minItems|\/create: must/));
    it("an enum type without its values", () =>
      rejects((s) => {
        delete s.types["pod:index:Transport"].enum;
      }, /^\/types\/pod:index:Transport/));
    it("a package name with a space", () =>
      rejects((s) => {
        s.name = "pod lab";
      }, /^\/name: must match pattern/));
  });

  describe("the zod check finds", () => {
    const finds = (mutate: (s: Any) => void, message: RegExp) => {
      const schema = fresh();
      mutate(schema);
      const errors = zodCheck(schema);
      assert.ok(
        errors.some((e) => message.test(e)),
        `expected ${message}, got:\n${errors.join("\n")}`,
      );
    };
    it("a union collapsed to its first member (the old generator's loss)", () =>
      finds((s) => {
        const create = res(s, "PodCommand").inputProperties.create;
        Object.assign(create, create.oneOf[0]);
        delete create.oneOf;
      }, /^PodCommand input\.create: a union of 3 in zod, no union in schema\.json$/));
    it("NIC by index or MAC reduced to one of them", () =>
      finds((s) => {
        res(s, "PodNetwork").inputProperties.nic = { type: "string", description: "x" };
      }, /^PodNetwork input\.nic: a union of 2 in zod/));
    it("an integer published as a number", () =>
      finds((s) => {
        res(s, "PodVm").inputProperties.numCpus.type = "number";
      }, /^PodVm input\.numCpus: integer in zod, number in schema\.json$/));
    it("a secret that is not secret in schema.json (the shared vSphere connection type)", () =>
      finds((s) => {
        delete s.types["pod:index:VsphereConnection"].properties.password.secret;
      }, /^PodVm input\.connection\.password: secret is true in zod, false/));
    it("a secret output that is not marked secret", () =>
      finds((s) => {
        delete res(s, "PodVm").properties.extraConfig.secret;
      }, /^PodVm output\.extraConfig: secret is true in zod, false/));
    it("a required input made optional", () =>
      finds((s) => {
        res(s, "PodVm").requiredInputs = ["template"];
      }, /^PodVm input: required is \[.*name.*\] in zod, \[template\] in schema\.json$/));
    it("a field in zod that schema.json lacks, and one schema.json has that zod lacks", () => {
      finds((s) => {
        delete res(s, "PodCommand").inputProperties.stdin;
      }, /^PodCommand input\.stdin: in zod, missing from schema\.json$/);
      finds((s) => {
        res(s, "PodCommand").inputProperties.retries = { type: "integer", description: "x" };
      }, /^PodCommand input\.retries: in schema\.json, not in zod$/);
    });
    it("an enum value schema.json lacks", () =>
      finds((s) => {
        s.types["pod:index:OutputParser"].enum.pop();
      }, /^PodCommand input\.parser: enum values/));
    it("a stale description", () =>
      finds((s) => {
        res(s, "PodVm").inputProperties.template.description = "old text";
      }, /^PodVm input\.template: descriptions differ$/));
    it("a provider config key missing from config and from the provider's inputs", () => {
      finds((s) => {
        delete s.config.variables.guestKeyFile;
      }, /^config\.guestKeyFile: in zod, missing/);
      finds((s) => {
        delete s.provider.inputProperties.vsphereHost;
      }, /^provider\.vsphereHost: in zod, missing/);
    });
    it("a resource schema.json lacks, and a $ref to a type it lacks", () => {
      finds((s) => {
        delete s.resources["pod:index:PodNetwork"];
      }, /^PodNetwork: has zod schemas, missing from schema\.json$/);
      finds((s) => {
        delete s.types["pod:index:DetectedOs"];
      }, /refers to #\/types\/pod:index:DetectedOs, which is not in its types/);
    });
  });

  it("a zod field with a different type than schema.json's is reported for any resource, not just pod's", () => {
    const inputs = z.object({ size: z.number().int().describe("Size.") });
    const spec = {
      resources: {
        "pod:index:T": {
          inputProperties: { size: { type: "string", description: "Size." } },
          requiredInputs: ["size"],
          properties: { size: { type: "integer", description: "Size." } },
          required: ["size"],
        },
      },
      config: { variables: {} },
      provider: { inputProperties: {} },
    };
    const errors = zodMismatches(spec, [{ name: "T", inputs, outputs: inputs, secretOutputs: [] }], z.object({}));
    assert.deepEqual(errors, ["T input.size: integer in zod, string in schema.json"]);
  });
});
