import assert from "node:assert/strict";
import { z } from "zod";
import { buildSchema } from "./gen-schema";
import { SchemaTypes } from "./gen-schema-types";

// biome-ignore lint/suspicious/noExplicitAny: tests reach into parsed JSON freely
type Any = Record<string, any>; // reading parsed JSON in tests

describe("gen-schema: schema.json as a Pulumi package schema", function () {
  this.timeout(30_000);
  const schema = buildSchema() as Any;
  const res = (name: string): Any => schema.resources[`pod:index:${name}`];

  it("keeps PodCommand's command union: a script string, an argv array, or a ShellScript object", () => {
    for (const which of ["create", "update", "delete"]) {
      assert.deepEqual(res("PodCommand").inputProperties[which].oneOf, [
        { type: "string" },
        { type: "array", items: { type: "string" } },
        { $ref: "#/types/pod:index:ShellScript" },
      ]);
    }
    assert.deepEqual(schema.types["pod:index:ShellScript"].required, ["script", "shell"]);
  });

  it("keeps PodNetwork's NIC by MAC or by index", () => {
    assert.deepEqual(res("PodNetwork").inputProperties.nic.oneOf, [{ type: "string" }, { type: "integer" }]);
  });

  it("has one vSphere connection type and one guest target type, used by every resource", () => {
    const tokens = Object.keys(schema.types);
    assert.equal(tokens.filter((t) => /Connection/.test(t)).join(), "pod:index:VsphereConnection");
    assert.equal(tokens.filter((t) => /Target/.test(t)).join(), "pod:index:GuestTarget");
    for (const [r, p] of [
      ["PodVm", "connection"],
      ["PodNetwork", "connection"],
    ] as const) {
      assert.equal(res(r).inputProperties[p].$ref, "#/types/pod:index:VsphereConnection");
    }
    assert.equal(res("PodCommand").inputProperties.target.$ref, "#/types/pod:index:GuestTarget");
    assert.equal(res("PodNetwork").inputProperties.target.$ref, "#/types/pod:index:GuestTarget");
    assert.equal(schema.types["pod:index:GuestTarget"].properties.vsphere.$ref, "#/types/pod:index:VsphereConnection");
  });

  it("publishes closed string sets as enum types, one per set", () => {
    const transport = schema.types["pod:index:Transport"];
    assert.deepEqual(
      transport.enum.map((e: { value: string }) => e.value),
      ["ssh", "winrm", "docker", "guestops"],
    );
    assert.equal(schema.types["pod:index:GuestTarget"].properties.transport.$ref, "#/types/pod:index:Transport");
    assert.equal(schema.types["pod:index:GuestAccess"].properties.transport.$ref, "#/types/pod:index:Transport");
    assert.equal(res("PodVm").inputProperties.powerState.$ref, "#/types/pod:index:PowerState");
  });

  it("has provider config, explicit provider inputs and the language sections", () => {
    assert.deepEqual(Object.keys(schema.config.variables), Object.keys(schema.provider.inputProperties));
    assert.equal(schema.config.variables.vspherePassword.secret, true);
    assert.equal(schema.config.variables.guestPassword.secret, true);
    assert.equal(schema.language.nodejs.packageName, "@pod-lab/pulumi-pod");
    assert.equal(schema.language.python.packageName, "pulumi_pod");
    assert.equal(schema.language.go.importBasePath, "github.com/pod-lab/pulumi-pod/sdk/go/pod");
  });

  it("describes every resource, property and type", () => {
    const undescribed: string[] = [];
    const walk = (where: string, props: Record<string, Any>) => {
      for (const [n, p] of Object.entries(props ?? {})) if (!p.description) undescribed.push(`${where}.${n}`);
    };
    for (const [tok, r] of Object.entries(schema.resources as Record<string, Any>)) {
      if (!r.description) undescribed.push(tok);
      walk(tok, r.inputProperties);
      walk(tok, r.properties);
    }
    for (const [tok, t] of Object.entries(schema.types as Record<string, Any>)) {
      if (!t.description) undescribed.push(tok);
      walk(tok, t.properties);
    }
    walk("config", schema.config.variables);
    assert.deepEqual(undescribed, []);
  });

  it("refuses an undescribed field, and two shapes under one name", () => {
    const types = new SchemaTypes({}, {});
    types.properties(z.toJSONSchema(z.object({ a: z.string() })) as Any, "T");
    assert.deepEqual(types.undescribed, ["TA"]);
    const clash = new SchemaTypes({ XA: "Same", XB: "Same" }, {});
    const obj = (k: string) => z.object({ [k]: z.string().describe("k") }).describe("o");
    const node = z.toJSONSchema(z.object({ a: obj("p").describe("a"), b: obj("q").describe("b") })) as Any;
    assert.throws(() => clash.properties(node, "X"), /two different types are both called Same/);
  });
});
