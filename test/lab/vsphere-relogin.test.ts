import assert from "node:assert/strict";
import { PodClient } from "../../provider/src/client/pod-client";
import { Secret } from "../../provider/src/common/secret";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { type HttpRequest, HttpsTransport } from "../../provider/src/vsphere/soap/transport";
import { requireLab } from "../support/lab-env";
import { VcsimAdmin } from "../support/vcsim-admin";
import { uniqueName } from "../support/vsphere";

/** Every vim25 request pod puts on the wire in this process: its session cookie and whether it is a Login. */
interface Sent {
  cookie: string | undefined;
  login: boolean;
}

/**
 * Issue 12: the vCenter session ends server-side (an administrator's
 * TerminateSession, from a second session of the test's own; the shared vcsim
 * is never restarted) in the middle of a PodClient session and of a resource
 * provider's work: pod logs in again exactly once and the operation completes.
 */
describe("lab: vCenter session ended server-side, then one re-login", function () {
  this.timeout(120_000);
  const lab = requireLab();
  const admin = new VcsimAdmin(lab);
  const sent: Sent[] = [];
  const original = HttpsTransport.prototype.request;

  before(async () => {
    await admin.login();
    // A spy on the transport (the wire), not on the code that decides to log in again.
    HttpsTransport.prototype.request = function (this: HttpsTransport, req: HttpRequest) {
      sent.push({ cookie: req.headers?.Cookie, login: /<Login[\s>]/.test(String(req.body ?? "")) });
      return original.call(this, req);
    };
  });
  after(async () => {
    HttpsTransport.prototype.request = original;
    await admin.logout();
  });

  const logins = (from: number) => sent.slice(from).filter((s) => s.login).length;

  it("PodClient: the next call logs in once more (SOAP Login counted in pod's metrics) and completes", async () => {
    const pod = new PodClient({
      vsphereOptions: {
        host: lab.vsphereHost,
        user: lab.vsphereUser,
        password: new Secret(lab.vspherePassword),
        trust: { ca: lab.ca },
      },
    });
    const loginCalls = async () => {
      const metric = await pod.metrics.registry.getSingleMetric("pod_soap_calls_total")?.get();
      return (metric?.values ?? [])
        .filter((v) => v.labels.method === "Login" && v.labels.outcome === "ok")
        .reduce((n, v) => n + v.value, 0);
    };
    try {
      const before = await pod.listVms();
      assert.ok(before.length > 0);
      assert.equal(await loginCalls(), 1);
      const session = await pod.session();
      const cookie = session.client.sessionCookie ?? "";
      await admin.terminate(await admin.sessionKeyOf(cookie));
      assert.equal(await admin.isAlive(cookie), false, "vcsim ended pod's session");

      const mark = sent.length;
      const after = await pod.listVms();
      assert.deepEqual(after.map((v) => v.name).sort(), before.map((v) => v.name).sort());
      assert.equal(await loginCalls(), 2, "exactly one re-login (metrics)");
      assert.equal(logins(mark), 1, "exactly one Login on the wire");
      const renewed = session.client.sessionCookie ?? "";
      assert.notEqual(renewed, cookie, "a new session");
      assert.equal(await admin.isAlive(renewed), true);
      assert.equal(await pod.session(), session, "the same PodClient session object carries on");
    } finally {
      await pod.close();
    }
  });

  describe("a resource provider (PodVm, driven directly as Pulumi would)", () => {
    const provider = new PodVmProvider();
    const inputs: PodVmInputs = {
      connection: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
      name: uniqueName("relogin"),
      template: "pod-template-debian12",
      numCpus: 1,
      memoryMb: 256,
      nics: [{ network: "VM Network" }],
      powerState: "off",
      shutdownTimeoutSeconds: 5,
    };
    let id = "";
    let outs: PodVmOutputs;
    after(async () => {
      if (id) await provider.delete(id, outs).catch(() => undefined);
    });

    it("read after the provider's session was ended: one re-login, and the read completes", async () => {
      const created = await provider.create(inputs);
      id = created.id;
      outs = created.outs as PodVmOutputs;
      const mark = sent.length;
      assert.equal((await provider.read(id, outs)).id, id);
      const cookie = sent.slice(mark).find((s) => s.cookie)?.cookie ?? "";
      assert.match(cookie, /^vmware_soap_session=/, "the read went out on the pooled session");
      await admin.terminate(await admin.sessionKeyOf(cookie));
      assert.equal(await admin.isAlive(cookie), false);

      const again = sent.length;
      const read = await provider.read(id, outs);
      assert.equal(read.id, id);
      assert.equal((read.props as PodVmOutputs).name, inputs.name);
      assert.equal((read.props as PodVmOutputs).observedPowerState, "poweredOff");
      assert.equal(logins(again), 1, "exactly one Login on the wire");
      assert.equal(await admin.vmExists(id), true, "the VM read as there is there");
      const renewed = sent.slice(again).findLast((s) => s.cookie && !s.login)?.cookie;
      assert.ok(renewed && renewed !== cookie && (await admin.isAlive(renewed)), "the read finished on a new session");
    });

    it("delete right after another server-side end: one re-login, and the VM is gone from vcsim", async () => {
      const mark = sent.length;
      assert.equal((await provider.read(id, outs)).id, id);
      const cookie = sent.slice(mark).findLast((s) => s.cookie)?.cookie ?? "";
      await admin.terminate(await admin.sessionKeyOf(cookie));
      const again = sent.length;
      await provider.delete(id, outs);
      assert.equal(logins(again), 1);
      assert.equal(await admin.vmExists(id), false, "vcsim no longer has the VM");
      assert.deepEqual(await provider.read(id, outs), {}, "and read says so");
      id = "";
    });
  });
});
