import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isNetworkConfigError } from "./errors";
import { parseLinuxState } from "./linux/read";
import { describeChange, planNetwork } from "./plan";
import { recordTargets, restoreDeclaration } from "./record";
import { simulatePlan } from "./simulate";
import { validateInterfaces } from "./validate";
import { allMismatches } from "./verify";
import { parseWindowsState } from "./windows/read";

// eth0 has 10.231.0.2/24 and 10.231.0.50/24, gateway 10.231.0.1.
const linux = parseLinuxState(readFileSync(join(__dirname, "fixtures", "linux-read.txt"), "utf8"));
const plan = (spec: unknown, state = linux) => planNetwork(state, validateInterfaces(spec));
const extra = { name: "eth0", keepExistingAddresses: true, addresses: [{ address: "10.120.0.10/24" }] };

describe("network: keepExistingAddresses (add beside a DHCP or management address)", () => {
  it("adds the listed addresses, removes nothing and keeps the gateway", () => {
    const p = plan([extra]);
    assert.deepEqual(p.changes.map(describeChange), ["eth0: add 10.120.0.10/24"]);
    const after = simulatePlan(linux, p);
    assert.deepEqual(allMismatches(after, p.targets), []);
    assert.deepEqual(plan([extra], after).changes, [], "a second apply changes nothing");
  });

  it("reports a missing added address as drift, not the addresses it keeps", () => {
    assert.deepEqual(allMismatches(linux, plan([extra]).targets), ["eth0 lacks 10.120.0.10/24"]);
  });

  it("records only what it added; the restore removes that and nothing else", () => {
    const p = plan([{ ...extra, addresses: [{ address: "10.120.0.10/24" }, { address: "10.231.0.50/24" }] }]);
    const recorded = recordTargets(linux, p.targets);
    assert.deepEqual(recorded[0]?.managed, ["added-addresses"]);
    assert.deepEqual(recorded[0]?.added, ["10.120.0.10/24"]);
    const after = simulatePlan(linux, p);
    const back = planNetwork(
      after,
      recorded.map((r) => restoreDeclaration("linux", r)),
    );
    assert.deepEqual(back.changes.map(describeChange), ["eth0: remove 10.120.0.10/24"]);
    assert.deepEqual(allMismatches(simulatePlan(after, back), back.targets), []);
  });

  it("accepts a gateway in a subnet the interface already has, and refuses one outside all of them", () => {
    assert.deepEqual(plan([{ ...extra, gateway: "10.231.0.254" }]).changes.map(describeChange), [
      "eth0: add 10.120.0.10/24",
      "eth0: default gateway 10.231.0.254",
    ]);
    assert.throws(
      () => plan([{ ...extra, gateway: "192.0.2.1" }]),
      (e: unknown) => isNetworkConfigError(e) && e.code === "GATEWAY_OUTSIDE_SUBNET",
    );
  });

  it("is refused on a Windows adapter that is on DHCP (Windows cannot mix a lease and static addresses)", () => {
    const windows = parseWindowsState(readFileSync(join(__dirname, "fixtures", "windows-read.json"), "utf8"));
    assert.throws(
      () => plan([{ ...extra, name: "Ethernet0" }], windows),
      (e: unknown) => isNetworkConfigError(e) && e.code === "INVALID_INPUT" && /full address set/.test(e.fix ?? ""),
    );
  });

  it("needs addresses", () => {
    assert.throws(
      () => validateInterfaces([{ name: "eth0", keepExistingAddresses: true }]),
      (e: unknown) => isNetworkConfigError(e) && /keepExistingAddresses needs addresses/.test(e.message),
    );
  });
});
