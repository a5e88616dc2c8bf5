import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Client } from "ssh2";
import { Secret } from "../../provider/src/common/secret";
import { GuestOperations } from "../../provider/src/vsphere/guest-ops";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { waitForPort } from "../support/ready";
import { labSession } from "../support/vsphere";

import Docker = require("dockerode");

/**
 * Issue 2 smoke tests (2) and (3): a container-backed vcsim VM powers on,
 * vSphere reports its guest IP, guest operations run in it, and ssh2 reaches
 * it on that IP, verifying the host key the guest announced.
 */
describe("lab: a container-backed VM", () => {
  let session: VsphereSession;
  let vm: MoRef;
  let ip: string;
  let name: string;
  let vmFixture: LabVm | undefined;

  before(async () => {
    const made = await createLabVm({ prefix: "smoke", waitFor: "ip" });
    vmFixture = made;
    vm = made.ref;
    name = made.name;
    ip = made.ip;
    session = await labSession();
  });

  after(async () => {
    await vmFixture?.remove();
    await session?.close();
  });

  it("powers on and vSphere reports its guest IP", async () => {
    const info = await readVm(session, vm);
    assert.equal(info?.powerState, "poweredOn");
    assert.equal(info?.guest.toolsRunning, true);
    assert.equal(info?.guest.ipAddress, ip);
    assert.match(ip, /^172\.\d+\.\d+\.\d+$/, "a Docker bridge address");
  });

  it("accepts StartProgramInGuest and reports the exit code", async () => {
    const ops = await GuestOperations.open(session, vm, { username: "pod", password: new Secret("pod") });
    const ok = await ops.wait(await ops.start("/bin/sh", "-c 'test -r /etc/os-release'"), 30_000);
    assert.deepEqual(ok, { exitCode: 0, timedOut: false });
    const failed = await ops.wait(await ops.start("/bin/sh", "-c 'exit 3'"), 30_000);
    assert.equal(failed.exitCode, 3);
  });

  it("answers SSH on that IP with the host key it announced, and reads /etc/os-release", async () => {
    const expected = await announcedEd25519Fingerprint(name);
    await waitForPort(ip, 22);
    const osRelease = await new Promise<string>((resolve, reject) => {
      const client = new Client();
      client
        .on("ready", () => {
          client.exec("cat /etc/os-release", (err, stream) => {
            if (err) return reject(err);
            let out = "";
            stream.on("data", (d: Buffer) => {
              out += d;
            });
            stream.on("close", () => {
              client.end();
              resolve(out);
            });
          });
        })
        .on("error", reject)
        .connect({
          host: ip,
          username: "pod",
          password: "pod",
          hostVerifier: (key: Buffer) =>
            `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}` === expected,
          algorithms: { serverHostKey: ["ssh-ed25519"] },
          readyTimeout: 20_000,
        });
    });
    assert.match(osRelease, /^ID=debian$/m);
  });
});

/** The ED25519 fingerprint the guest printed at boot (its "console"); vcsim names the container after the VM. */
async function announcedEd25519Fingerprint(vmName: string): Promise<string> {
  const docker = new Docker();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const containers = await docker.listContainers({ filters: { label: ["pod.lab=1"], name: [`vcsim-${vmName}-`] } });
    for (const c of containers) {
      const logs = (await docker.getContainer(c.Id).logs({ stdout: true, stderr: true })).toString("latin1");
      const line = /SHA256:\S+(?= \S+ \(ED25519\))/.exec(logs);
      if (line) return line[0];
    }
    if (Date.now() > deadline) throw new Error("the guest never printed its host key fingerprints");
    await new Promise((r) => setTimeout(r, 300));
  }
}
