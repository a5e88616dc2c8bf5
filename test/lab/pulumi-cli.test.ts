import assert from "node:assert/strict";
import { join } from "node:path";
import { requireLab } from "../support/lab-env";
import { PulumiCli } from "../support/pulumi-cli";

/** Issue 2 smoke test (4): preview, up and destroy of a minimal program with the lab's CLI. */
describe("lab: the Pulumi CLI with a dynamic resource", () => {
  requireLab();
  const cli = new PulumiCli(join(__dirname, "../fixtures/minimal-program"), { PULUMI_STACK: "" });

  before(() => cli.ok("stack", "init", "smoke"));
  after(() => cli.run("stack", "rm", "--yes", "--force", "smoke"));

  it("previews, creates and destroys", () => {
    assert.match(cli.ok("preview", "--stack", "smoke"), /\+ 2 to create/);
    assert.match(cli.ok("up", "--yes", "--skip-preview", "--stack", "smoke"), /2 created/);
    assert.equal(JSON.parse(cli.ok("stack", "output", "--json", "--stack", "smoke")).message, "hello lab");
    assert.match(cli.ok("up", "--yes", "--stack", "smoke"), /2 unchanged/);
    assert.match(cli.ok("destroy", "--yes", "--skip-preview", "--stack", "smoke"), /2 deleted/);
  });
});
