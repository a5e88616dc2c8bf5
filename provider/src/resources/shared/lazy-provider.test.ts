import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";

/** The methods Pulumi's dynamic-provider process calls (a class may have more, e.g. close for tests). */
const PULUMI_METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"];
const methodsOf = (o: object) =>
  Object.getOwnPropertyNames(Object.getPrototypeOf(o))
    .filter((m) => PULUMI_METHODS.includes(m))
    .sort();

describe("lazyProvider", () => {
  it("loads the implementation at configure, passes the request on, and delegates calls with their results", async () => {
    let loads = 0;
    const seen: unknown[] = [];
    const facade = lazyProvider(() => {
      loads++;
      return {
        async configure(req: pulumi.dynamic.ConfigureRequest) {
          seen.push(req.config.get("k"));
        },
        async check(olds: unknown, news: unknown) {
          return { inputs: { olds, news } };
        },
      } as pulumi.dynamic.ResourceProvider;
    }, ["check"]);
    assert.equal(loads, 0, "nothing loads until Pulumi calls");
    assert.deepEqual(Object.keys(facade).sort(), ["check", "configure"]);
    await facade.configure?.({ config: { get: () => "v" } } as unknown as pulumi.dynamic.ConfigureRequest);
    assert.deepEqual(seen, ["v"]);
    assert.deepEqual(await facade.check?.({ a: 1 }, { b: 2 }), { inputs: { olds: { a: 1 }, news: { b: 2 } } });
    assert.equal(loads, 1, "loaded once");
  });

  it("rejects as the implementation does", async () => {
    const facade = lazyProvider(
      () =>
        ({
          async delete() {
            throw new Error("gone wrong");
          },
        }) as unknown as pulumi.dynamic.ResourceProvider,
      ["delete"],
    );
    await assert.rejects(async () => facade.delete?.("id", {}), /gone wrong/);
  });

  for (const [dir, cls] of [
    ["pod-vm", "PodVmProvider"],
    ["pod-command", "PodCommandProvider"],
    ["pod-network", "PodNetworkProvider"],
    ["pod-copy", "PodCopyProvider"],
  ] as const) {
    it(`${dir}'s instance has exactly the implementation's methods`, () => {
      const facade = require(`../${dir}/instance`) as object;
      const implementation = (require(`../${dir}/provider`) as Record<string, new () => object>)[cls];
      assert.ok(implementation, cls);
      assert.deepEqual(Object.keys(facade).sort(), methodsOf(new implementation()));
    });
  }

  it("requiring an instance module loads no engine (what the language host does)", () => {
    // A fresh process: this one has loaded the providers above already.
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "-e",
        `require(${JSON.stringify(join(__dirname, "../pod-vm/instance"))});
         require(${JSON.stringify(join(__dirname, "../pod-command/instance"))});
         const loaded = Object.keys(require.cache);
         console.log(JSON.stringify(loaded.filter((f) => /[/]provider[.]ts$|node_modules[/](ssh2|zod|dockerode)[/]/.test(f))));`,
      ],
      { encoding: "utf8" },
    );
    assert.deepEqual(JSON.parse(out), []);
  });
});
