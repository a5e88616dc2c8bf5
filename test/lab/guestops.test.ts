import assert from "node:assert/strict";
import { Secret } from "../../provider/src/common/secret";
import { GuestOpsConnection } from "../../provider/src/connections/guestops/guestops-connection";
import { GuestOperations } from "../../provider/src/vsphere/guest-ops";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { labSession } from "../support/vsphere";

/** Commands with no network path to the guest: VMware Tools guest operations in vcsim. */
describe("guest operations transport", () => {
  let session: VsphereSession;
  let vm: MoRef;
  let conn: GuestOpsConnection;
  let lab: LabVm | undefined;

  before(async () => {
    lab = await createLabVm({ prefix: "gops", waitFor: "ip" });
    vm = lab.ref;
    session = await labSession();
    const ops = await GuestOperations.open(session, vm, { username: "pod", password: new Secret("pod") });
    conn = new GuestOpsConnection(ops, vm.value);
  });
  after(async () => {
    await lab?.remove();
    await session?.close();
  });

  it("returns stdout, stderr and the exit code, shell metacharacters intact", async () => {
    const r = await conn.exec(`echo 'a;b|c' "$HOME"; echo oops >&2; exit 4`);
    assert.equal(r.stdout, "a;b|c /root\n");
    assert.equal(r.stderr, "oops\n");
    assert.equal(r.exitCode, 4);
  });

  it("passes stdin, environment and working directory", async () => {
    const r = await conn.exec('cat; printf " %s %s" "$POD_X" "$(pwd)"', {
      stdin: "in-put",
      env: { POD_X: "x1" },
      cwd: "/tmp",
    });
    assert.equal(r.stdout, "in-put x1 /tmp");
    assert.equal(r.exitCode, 0);
  });

  it("moves files both ways", async () => {
    await conn.putFile("/tmp/pod-guestops.txt", "hello\n", { mode: 0o600 });
    assert.equal((await conn.getFile("/tmp/pod-guestops.txt")).toString(), "hello\n");
    assert.equal((await conn.exec("stat -c %a /tmp/pod-guestops.txt")).stdout.trim(), "600");
  });

  it("ends a command past its timeout", async () => {
    const r = await conn.exec("sleep 30", { timeoutMs: 1_000 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
  });
});
