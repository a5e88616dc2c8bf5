import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultOsRegistry } from "../registry";
import { LINUX_PROBE_SCRIPT, linuxProbeCommand, parseLinuxProbe } from "./linux-probe";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("os/probe/linux", () => {
  it("is one line for the outer shell and has no single quote inside", () => {
    assert.ok(!LINUX_PROBE_SCRIPT.includes("'"));
    assert.ok(linuxProbeCommand().startsWith("sh -c '"));
    assert.doesNotThrow(() => execFileSync("/bin/sh", ["-n", "-c", LINUX_PROBE_SCRIPT]), "valid sh syntax");
  });

  it("parses the Debian 12 capture (container in the lab)", () => {
    const facts = parseLinuxProbe(fixture("debian12-docker.txt"));
    assert.ok(facts);
    assert.equal(facts.osRelease.ID, "debian");
    assert.equal(facts.osRelease.VERSION_ID, "12");
    assert.equal(facts.osRelease.PRETTY_NAME, "Debian GNU/Linux 12 (bookworm)");
    assert.match(facts.uname, /^Linux /);
    assert.deepEqual(facts.containerMarkers, ["docker"]);
    assert.deepEqual(facts.tools, ["ip"]);
    assert.ok(facts.releaseFiles["/etc/debian_version"]?.startsWith("12."));

    const os = defaultOsRegistry.classify(facts, { transport: "ssh" });
    assert.deepEqual(
      { type: os?.type, family: os?.family, distribution: os?.distribution, version: os?.version },
      { type: "linux", family: "debian", distribution: "debian", version: "12" },
    );
    assert.equal(os?.container, true);
    assert.equal(os?.containerRuntime, "docker");
  });

  it("parses the Rocky 9 stand-in as a rocky-container of the RedHat family", () => {
    const facts = parseLinuxProbe(fixture("rocky9-container.txt"));
    assert.ok(facts);
    assert.equal(facts.osRelease.ID_LIKE, "rhel centos fedora");
    assert.equal(facts.osRelease.PLATFORM_ID, "platform:el9");
    assert.equal(facts.releaseFiles["/etc/redhat-release"], "Rocky Linux release 9.5 (Blue Onyx)");
    const os = defaultOsRegistry.classify(facts, { transport: "docker" });
    assert.equal(os?.type, "rocky-container");
    assert.equal(os?.family, "redhat");
    assert.equal(os?.distribution, "rocky");
    assert.equal(os?.version, "9.5");
    assert.equal(os?.container, true);
    assert.equal(os?.details?.platformId, "platform:el9");
  });

  it("calls Rocky on a VM (no container marker) plain linux", () => {
    const text = fixture("rocky9-container.txt")
      .split("\n")
      .filter((l) => !l.startsWith("CT=") && !l.startsWith("CGROUP="))
      .join("\n");
    const os = defaultOsRegistry.classify(parseLinuxProbe(text) ?? assert.fail("no facts"), { transport: "ssh" });
    assert.equal(os?.type, "linux");
    assert.equal(os?.family, "redhat");
    assert.equal(os?.container, false);
  });

  it("falls back to release files without os-release", () => {
    const facts = parseLinuxProbe(
      ["POD_PROBE=1", "FILE /etc/redhat-release=CentOS Linux release 7.9.2009 (Core) ", "UNAME=Linux 3.10 x86_64"].join(
        "\n",
      ),
    );
    const os = defaultOsRegistry.classify(facts ?? assert.fail("no facts"), { transport: "ssh" });
    assert.deepEqual([os?.distribution, os?.family, os?.version], ["centos", "redhat", "7.9.2009"]);
  });

  it("returns undefined for output that is not the probe's (cmd.exe's complaint)", () => {
    assert.equal(parseLinuxProbe("'sh' is not recognized as an internal or external command"), undefined);
    assert.equal(parseLinuxProbe(""), undefined);
  });
});
