import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { PodClient } from "../../provider/src/client";
import { Secret } from "../../provider/src/common/secret";
import { serveMetrics } from "../../provider/src/observability";
import { MemoryAuditSink } from "../../provider/src/observability/audit-record";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { closedLoopbackPort } from "../support/ports";

/** Issue 7: PodClient against the lab: vcsim, three guest containers and a container-backed VM. */
describe("lab: PodClient", function () {
  this.timeout(180_000);
  const lab = requireLab();
  // One guest password through every path: credentials, command env, argv; it must show up nowhere.
  const password = `pod-Client-${process.pid}-Pw9x`;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const logStream = new PassThrough();
  let logText = "";
  logStream.on("data", (chunk: Buffer) => {
    logText += chunk.toString("utf8");
  });
  const memory = new MemoryAuditSink();
  const guests: GuestContainer[] = [];
  let vmName: string;
  let labVm: LabVm | undefined;
  let client: PodClient;
  let auditClient: PodClient;

  before(async () => {
    trace.setGlobalTracerProvider(provider);
    guests.push(...(await Promise.all([1, 2, 3].map(() => startGuest({ password, capAdd: ["NET_ADMIN"] })))));
    const backing = `-e VMX_GUESTINFO_POD_PASSWORD=${password}`;
    labVm = await createLabVm({ prefix: "client", container: { extra: backing } });
    vmName = labVm.name;
    const common = {
      vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
      guest: { username: "pod", password: new Secret(password) },
      agent: false,
      keyFiles: [],
      hostKeyPolicy: "insecure" as const,
      actor: "lab-test",
    };
    client = new PodClient({ ...common, audit: memory });
    auditClient = new PodClient({ ...common, audit: logStream });
  });

  after(async () => {
    await client?.close();
    await auditClient?.close();
    await labVm?.remove();
    await Promise.all(guests.map((g) => g.remove()));
    trace.disable();
  });

  it("getVm: the VM with its OS probed in the guest; cached until invalidated", async () => {
    const vm = await client.getVm(vmName);
    assert.equal(vm.powerState, "poweredOn");
    assert.match(vm.ipAddress ?? "", /^172\./);
    assert.deepEqual([vm.osSource, vm.os.type, vm.os.distribution], ["guest", "linux", "debian"]);
    assert.ok(vm.sshHostKeys.length >= 1, "host keys read through VMware Tools");
    assert.equal(await client.getVm(vmName), vm, "served from the cache");
    client.invalidate(vmName);
    assert.notEqual(await client.getVm(vmName), vm);
    await assert.rejects(client.getVm(`${vmName}-missing`), { code: "NOT_FOUND" });
    const all = await client.listVms();
    assert.ok(all.some((v) => v.name === vmName));
  });

  it("executeCommand over ssh, docker and vm: (SSH with host keys pinned from vSphere)", async () => {
    const [a, b] = guests as [GuestContainer, GuestContainer];
    const ssh = await client.executeCommand(a.ip, ["sh", "-c", 'echo "$POD_X" | wc -c'], {
      env: { POD_X: new Secret(password) },
    });
    assert.equal(ssh.stdout.trim(), String(password.length + 1));
    const docker = await client.executeCommand(`docker:${b.name}`, "cat /etc/hostname");
    assert.equal(docker.transport, "docker");
    assert.ok(docker.success);
    const vm = await client.executeCommand(`vm:${vmName}`, ["cat", "/etc/os-release"], { parser: "os-release" });
    assert.equal((vm.data as Record<string, string>).ID, "debian");
    const failed = await client.executeCommand(a.ip, ["sh", "-c", "exit 4"]);
    assert.deepEqual([failed.exitCode, failed.success], [4, false]);
  });

  it("caches command results only when asked", async () => {
    const g = guests[0] as GuestContainer;
    const first = await client.executeCommand(g.ip, ["date", "+%N"]);
    const second = await client.executeCommand(g.ip, ["date", "+%N"]);
    assert.notEqual(first.stdout, second.stdout);
    const c1 = await client.executeCommand(g.ip, ["date", "+%N"], { cacheTtlMs: 60_000 });
    const c2 = await client.executeCommand(g.ip, ["date", "+%N"], { cacheTtlMs: 60_000 });
    assert.equal(c1.stdout, c2.stdout);
  });

  it("batchExecute keeps every result, partial failures included; metrics, spans and audit agree", async () => {
    exporter.reset();
    const before = memory.records.length;
    const targets = [...guests.map((g) => g.ip), "docker:pod-no-such-container"];
    const done: string[] = [];
    const entries = await client.batchExecute({
      targets,
      commands: [["echo", password], "uname -s"],
      concurrency: 2,
      onTargetDone: (t) => done.push(t),
    });
    assert.equal(entries.length, 8);
    assert.equal(done.length, 4);
    const ok = entries.filter((e) => e.ok);
    assert.equal(ok.length, 6);
    for (const e of ok) if (e.ok && e.command === "uname -s") assert.equal(e.result.stdout, "Linux");
    const failedEntries = entries.filter((e) => !e.ok);
    assert.deepEqual(
      failedEntries.map((e) => e.target),
      ["docker:pod-no-such-container", "docker:pod-no-such-container"],
    );

    // Audit: one record per command, one correlation id for the batch.
    const records = memory.records.slice(before);
    assert.equal(records.length, 8);
    assert.equal(new Set(records.map((r) => r.correlationId)).size, 1);
    assert.ok(records.every((r) => r.actor === "lab-test"));

    // Metrics: the counters match the batch.
    const text = await client.metrics.registry.metrics();
    const count = (outcome: string) =>
      [...text.matchAll(new RegExp(`^pod_commands_total\\{transport="[a-z]+",outcome="${outcome}"\\} (\\d+)$`, "gm"))]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
    const allRecords = memory.records;
    assert.equal(count("success"), allRecords.filter((r) => r.success).length);
    assert.equal(count("failure"), allRecords.filter((r) => !r.success).length);
    const notFound = /^pod_command_failures_total\{code="NOT_FOUND"\} (\d+)$/m.exec(text);
    assert.equal(Number(notFound?.[1]), 2);
    assert.match(text, /^pod_soap_calls_total\{method="RetrievePropertiesEx",outcome="ok"\} \d+$/m);
    assert.match(text, /^pod_pool_open_connections\{target="[\d.]+:22",transport="ssh"\} [1-9]/m);
    assert.match(text, /^pod_command_duration_seconds_count\{transport="ssh"\} \d+$/m);

    // Spans: one per command, named by target, not by arguments.
    const spans = exporter.getFinishedSpans();
    const commandSpans = spans.filter((s) => s.name === "pod.command");
    assert.equal(commandSpans.length, 8);
    assert.equal(commandSpans.filter((s) => s.status.code === SpanStatusCode.ERROR).length, 2);
    assert.equal(commandSpans.filter((s) => s.attributes["pod.success"] === true).length, 6);
    assert.ok(commandSpans.every((s) => s.attributes["pod.target"] !== undefined));
    assert.ok(!JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status, s.events])).includes(password));
  });

  it("records spans around SOAP calls and connection setup, through the global API only", async () => {
    exporter.reset();
    client.invalidate();
    await client.getVm(vmName);
    await client.executeCommand(`docker:${(guests[1] as GuestContainer).name}`, ["true"]);
    const names = exporter.getFinishedSpans().map((s) => s.name);
    assert.ok(names.includes("vsphere.RetrievePropertiesEx"), names.join());
    assert.ok(names.includes("pod.vm.get"));
    const soap = exporter.getFinishedSpans().find((s) => s.name === "vsphere.RetrievePropertiesEx");
    assert.equal(soap?.attributes["rpc.system"], "vim25");
    const fresh = new PodClient({
      vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
    });
    exporter.reset();
    await fresh.session();
    await fresh.executeCommand(`docker:${(guests[2] as GuestContainer).name}`, ["true"]);
    await fresh.close();
    const setup = exporter.getFinishedSpans().map((s) => s.name);
    for (const name of ["pod.vsphere.connect", "vsphere.Login", "pod.connect", "pod.command"])
      assert.ok(setup.includes(name), name);

    // The SSH dial and its handshake: where, as whom, how many attempts; never the password.
    const g = guests[2] as GuestContainer;
    const ssh = new PodClient({
      guest: { username: "pod", password: new Secret(password) },
      agent: false,
      keyFiles: [],
      hostKeyPolicy: "insecure",
    });
    exporter.reset();
    await ssh.executeCommand(g.ip, ["true"]);
    await ssh.close();
    const spans = exporter.getFinishedSpans();
    const dial = spans.find((s) => s.name === "pod.ssh.dial");
    const handshake = spans.find((s) => s.name === "pod.ssh.handshake");
    assert.ok(dial && handshake, spans.map((s) => s.name).join());
    assert.deepEqual(
      ["server.address", "server.port", "pod.ssh.user", "pod.ssh.attempts"].map((k) => dial.attributes[k]),
      [g.ip, 22, "pod", 1],
    );
    assert.equal(handshake.attributes["pod.ssh.attempt"], 1);
    assert.equal(dial.status.code, SpanStatusCode.UNSET);
    assert.ok(!JSON.stringify(spans.map((s) => [s.attributes, s.status, s.events])).includes(password));
  });

  it("counts a pool's failures when they happen (prom-client counters)", async () => {
    const down = `127.0.0.1:${await closedLoopbackPort()}`; // nothing listens: every dial is refused
    const guest = { username: "pod", password: new Secret("never-Sent-Pw-1") };
    const counting = new PodClient({ guest, agent: false, keyFiles: [], hostKeyPolicy: "insecure" });
    await assert.rejects(counting.executeCommand(down, ["true"]), { code: "UNREACHABLE" });
    await counting.close();
    // Counted when the dial failed: still there after the pool is gone.
    const text = await counting.metrics.registry.metrics();
    assert.match(text, /^# TYPE pod_pool_failures_total counter$/m);
    assert.match(text, new RegExp(`^pod_pool_failures_total\\{target="${down}",transport="ssh"\\} 1$`, "m"));
  });

  it("writes JSON audit records for a batch and a network change, with the password absent everywhere", async () => {
    const targets = guests.map((g) => g.ip);
    await auditClient.batchExecute({
      targets,
      commands: [["echo", password], { script: `P='${password}'; test -n "$P"`, shell: "sh" }],
    });
    await assert.rejects(auditClient.executeCommand("docker:pod-no-such-container", ["echo", password]), {
      code: "NOT_FOUND",
    });
    const g = guests[0] as GuestContainer;
    const net = await auditClient.configureNetwork(`docker:${g.name}`, [{ name: "eth0", mtu: 1400 }]);
    assert.equal(net.changed, true);
    const again = await auditClient.configureNetwork(`docker:${g.name}`, [{ name: "eth0", mtu: 1400 }]);
    assert.equal(again.changed, false);
    const server = await serveMetrics(auditClient.metrics.registry);
    const metricsText = await (await fetch(server.url)).text();
    await server.close();
    assert.match(metricsText, /pod_commands_total/);

    const lines = logText
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const commands = lines.filter((l) => l.kind === "command");
    const batch = commands.filter((r) => targets.includes(String(r.target)));
    assert.equal(batch.length, 6);
    assert.equal(new Set(batch.map((r) => r.correlationId)).size, 1);
    assert.ok(
      commands.some(
        (r) => r.target === "docker:pod-no-such-container" && (r.error as { code: string }).code === "NOT_FOUND",
      ),
    );
    assert.ok(
      commands.some((r) => String(r.target).endsWith(g.name)),
      "network commands are audited too",
    );
    for (const r of commands) {
      for (const field of ["time", "actor", "target", "action", "exitCode", "durationMs", "correlationId"]) {
        assert.ok(field in r, `${field} in ${JSON.stringify(r)}`);
      }
    }
    assert.ok(commands.some((r) => r.action === "echo ***"));
    const changes = lines.filter((l) => l.kind === "change");
    assert.deepEqual(
      changes.map((c) => [c.action, c.result, c.target]),
      [
        ["network.applied", "ok", `docker:${g.name}`],
        ["network.applied", "unchanged", `docker:${g.name}`],
      ],
    );
    const health = JSON.stringify(await auditClient.healthCheck());
    for (const [what, text] of [
      ["audit log", logText],
      ["metrics", metricsText],
      ["health", health],
      ["spans", JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.status]))],
    ]) {
      assert.ok(!text?.includes(password), `${what} leaks the guest password`);
      assert.ok(!text?.includes(lab.vspherePassword), `${what} leaks the vSphere password`);
    }
  });

  it("healthCheck: vSphere and session state, pool counters, and a stopped guest as unreachable", async () => {
    const [a, b, c] = guests as [GuestContainer, GuestContainer, GuestContainer];
    await client.executeCommand(`docker:${c.name}`, ["true"]);
    const up = await client.healthCheck();
    assert.equal(up.vsphere.reachable, true);
    assert.equal(up.vsphere.session, "active");
    const pool = up.pools.find((p) => p.target === `${a.ip}:22`);
    assert.equal(pool?.reachable, true);
    assert.ok((pool?.stats?.openConnections ?? 0) >= 1);
    for (const key of ["busyChannels", "reconnects", "failures"]) assert.ok(key in (pool?.stats ?? {}), key);
    assert.ok(up.vms.some((v) => v.name === vmName && v.powerState === "poweredOn" && v.reachable === true));

    await Promise.all([b.run(["kill", "1"]).catch(() => undefined), c.run(["kill", "1"]).catch(() => undefined)]);
    const { docker } = await import("../support/guest-container");
    await Promise.all([
      docker
        .getContainer(b.name)
        .stop({ t: 1 })
        .catch(() => undefined),
      docker
        .getContainer(c.name)
        .stop({ t: 1 })
        .catch(() => undefined),
    ]);
    const down = await client.healthCheck();
    assert.equal(down.ok, false);
    assert.equal(down.pools.find((p) => p.target === `${b.ip}:22`)?.reachable, false);
    assert.equal(down.pools.find((p) => p.target === c.name)?.reachable, false);
    assert.equal(down.pools.find((p) => p.target === `${a.ip}:22`)?.reachable, true);
    assert.equal(down.vsphere.reachable, true);
  });

  it("refuses a world-readable private key, like OpenSSH", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pod-key-"));
    const key = join(dir, "id_ed25519");
    try {
      await writeFile(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n-----END OPENSSH PRIVATE KEY-----\n");
      await chmod(key, 0o644);
      const keyed = new PodClient({ guest: { username: "pod", privateKeyPath: key }, agent: false, keyFiles: [] });
      await assert.rejects(
        keyed.executeCommand((guests[0] as GuestContainer).ip, ["true"]),
        (error: Error & { code?: string; fix?: string }) => {
          assert.equal(error.code, "INVALID_INPUT");
          assert.match(error.message, /0644 .* too open/);
          assert.match(error.fix ?? "", /chmod 600/);
          return true;
        },
      );
      await keyed.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("close() is idempotent, and a closed client refuses work", async () => {
    const c = new PodClient({
      vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
    });
    await c.session();
    await c.close();
    await c.close();
    await assert.rejects(async () => c.getVm(vmName), { code: "INVALID_STATE" });
  });
});
