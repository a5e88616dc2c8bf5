import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

type Registered = Record<string, { type: string; inputs: Record<string, unknown> }>;
const repo = join(__dirname, "../..");

/**
 * Issue 13: the plugin's Python and Go SDKs (sdk/plugin/{python,go}) proven by installing/compiling
 * them and running a program on Pulumi's mocks (scripts/gen-schema-sdk-proofs.sh, `make sdk-proofs`).
 * Not end to end: the module proxy serves no Python or Go language host, so no engine runs them.
 */
describe("sdk proofs: the generated Python and Go SDKs import, build and register pod's resources", function () {
  this.timeout(1_200_000); // a first run creates the venv (PyPI) and builds Pulumi's Go SDK
  const lines = new Map<string, string>();

  before(() => {
    const out = execFileSync("bash", [join(repo, "scripts/gen-schema-sdk-proofs.sh")], {
      cwd: repo,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    for (const line of out.trim().split("\n")) {
      const at = line.indexOf(" ");
      lines.set(line.slice(0, at), line.slice(at + 1));
    }
  });

  const registered = (lang: string): Registered => JSON.parse(lines.get(lang) ?? "{}") as Registered;

  for (const lang of ["python", "go"]) {
    it(`${lang}: unions, enums and explicit providers reach the engine as schema.json says`, () => {
      const seen = registered(lang);
      assert.equal(seen.web?.type, "pod:index:PodVm");
      assert.equal(seen.web?.inputs.powerState, "on");
      assert.deepEqual(seen.web?.inputs.nics, [{ adapterType: "vmxnet3", vlanId: 120 }]);
      assert.equal(seen.script?.inputs.create, "uname -sr");
      assert.deepEqual(seen.shell?.inputs.create, { script: "echo hi", shell: "bash" });
      assert.equal(seen.net?.type, "pod:index:PodNetwork");
      assert.equal(seen.net?.inputs.nic, 0, "the NIC by index");
      assert.equal(seen.net?.inputs.vm, "vm-42", "a PodVm output feeds a PodNetwork input");
      assert.equal(seen.vc2?.type, "pulumi:providers:pod");
      assert.equal(seen.vc2?.inputs.vsphereHost, "vc2.lab:443");
    });
  }

  it("go: an argv list is a command", () => {
    assert.deepEqual(registered("go").argv?.inputs.create, ["uname", "-sr"]);
  });

  it("python: an argv list still fails in Pulumi's Python SDK (pulumi/pulumi#6950); docs say to use a script", () => {
    const argv = JSON.parse(lines.get("python-argv") ?? "{}") as { argv?: string; error?: string };
    // When this fails because argv works, Pulumi fixed #6950: drop the caveat from README.md.
    assert.equal(argv.argv, "fails");
    assert.match(argv.error ?? "", /Unexpected type\. Expected 'list' got 'typing\.Union/);
  });
});
