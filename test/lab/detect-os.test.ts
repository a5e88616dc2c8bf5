import assert from "node:assert/strict";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { SshConnection } from "../../provider/src/connections/ssh";
import type { GuestConnection } from "../../provider/src/connections/types";
import { detectOs } from "../../provider/src/execution/detect-os";
import { CommandExecutor } from "../../provider/src/execution/executor";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

describe("lab: OS detection over SSH and Docker exec", function () {
  this.timeout(90_000);
  requireLab();
  let debian: GuestContainer;
  let rocky: GuestContainer;
  const connections: GuestConnection[] = [];
  const ssh = (guest: GuestContainer) => {
    const c = new SshConnection({
      host: guest.ip,
      username: guest.user,
      password: new Secret(guest.password),
      hostKey: { fingerprints: guest.fingerprints },
    });
    connections.push(c);
    return c;
  };

  before(async () => {
    [debian, rocky] = await Promise.all([startGuest(), startGuest({ image: "pod-guest-rocky:9" })]);
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await Promise.all([debian?.remove(), rocky?.remove()]);
  });

  for (const transport of ["ssh", "docker"] as const) {
    const connect = (guest: GuestContainer) =>
      transport === "ssh" ? ssh(guest) : new DockerExecConnection({ container: guest.name });

    it(`Debian 12 over ${transport}: linux, Debian family, in a container`, async () => {
      const os = await detectOs(connect(debian));
      assert.deepEqual(
        [os.type, os.family, os.distribution, os.version, os.container, os.containerRuntime],
        ["linux", "debian", "debian", "12", true, "docker"],
      );
      assert.ok(os.tools.includes("ip"));
      assert.notEqual(os.details?.pid1, "systemd");
    });

    it(`the Rocky 9 stand-in over ${transport}: rocky-container, RedHat family`, async () => {
      const lines: string[] = [];
      const os = await detectOs(connect(rocky), { log: (l) => lines.push(l) });
      assert.deepEqual(
        [os.type, os.family, os.distribution, os.version, os.container],
        ["rocky-container", "redhat", "rocky", "9.5", true],
      );
      assert.equal(os.details?.platformId, "platform:el9");
      assert.match(lines.at(-1) ?? "", /claimed by handler "rocky-container"/);
    });
  }

  it("uses vSphere guest info to pick the probe (a Linux guest that vSphere calls Windows is unknown)", async () => {
    const lines: string[] = [];
    const os = await detectOs(ssh(debian), { guestInfo: { guestFamily: "windowsGuest" }, log: (l) => lines.push(l) });
    assert.equal(os.type, "unknown");
    assert.ok(lines.some((l) => /vSphere guest info/.test(l)));
    assert.ok(lines.some((l) => /windows probe: no probe output/.test(l)));
  });

  it("an unknown guest is OS_UNKNOWN and nothing is run on it", async () => {
    // A guest whose command interpreter is neither sh nor PowerShell (Python here): every probe fails.
    const odd = new DockerExecConnection({ container: debian.name, shell: ["python3", "-c"], posix: false });
    const os = await detectOs(odd);
    assert.equal(os.type, "unknown");
    assert.match(os.details?.reasons ?? "", /posix probe: no probe output/);
    await assert.rejects(new CommandExecutor().run({ connection: odd }, ["touch", "/tmp/pod-should-not-exist"]), (e) =>
      isPodError(e, "OS_UNKNOWN"),
    );
    const check = await debian.run(["ls", "/tmp/pod-should-not-exist"]);
    assert.notEqual(check.exitCode, 0, "the command never ran");
  });
});
