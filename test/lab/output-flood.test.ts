import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import { join } from "node:path";
import { isPodError } from "../../provider/src/common/errors";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../provider/src/common/limits";
import { Secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { SshConnection } from "../../provider/src/connections/ssh";
import { exchange } from "../../provider/src/connections/winrm/http-exchange";
import { HttpsTransport } from "../../provider/src/vsphere/soap/transport";
import { assertBoundedRss, runFlood } from "../support/flood";
import type { FloodSpec } from "../support/flood-child";
import { DECLARED_BYTES, type FloodingEndpoint, MiB, startFloodingEndpoint } from "../support/flooding-endpoint";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

/**
 * Issue 12: a flooding guest must not exhaust the provider's memory. A
 * container of our own prints far more than the bound, through each transport;
 * the command runs in a child process whose peak RSS we read. The result keeps
 * maxOutputBytes per stream, says exactly how much was dropped, and the
 * streaming listener sees every byte. Downloads and SOAP bodies are bounded too.
 */
const CAP = DEFAULT_MAX_OUTPUT_BYTES;
/** Peak RSS growth allowed during a flood: the kept 2 × 16 MiB, their strings, and GC slack. */
const RSS_BOUND = 256 * MiB;

describe("lab: a flooding guest (bounded output)", function () {
  this.timeout(300_000);
  let guest: GuestContainer;

  before(async () => {
    guest = await startGuest();
  });
  after(async () => {
    await guest?.remove();
  });

  const linux = (transport: "ssh" | "docker", script: string, extra: Partial<FloodSpec> = {}): FloodSpec => ({
    transport,
    target: transport === "ssh" ? guest.ip : guest.name,
    user: guest.user,
    password: guest.password,
    fingerprints: guest.fingerprints,
    os: "linux",
    command: { script, shell: "sh" },
    timeoutMs: 120_000,
    listen: true,
    ...extra,
  });

  for (const transport of ["ssh", "docker"] as const) {
    it(`${transport}: 512 MiB of stdout and 64 MiB of stderr keep 16 MiB each, count the rest exactly, stream it all`, async () => {
      const out = 512 * MiB;
      const err = 64 * MiB;
      const report = await runFlood(linux(transport, `yes | head -c ${out}; yes e | head -c ${err} >&2`));
      assert.equal(report.result.exitCode, 0);
      assert.deepEqual(report.result.truncated, { stdout: out - CAP, stderr: err - CAP });
      // "y\n" pairs: the kept head ends in a newline, which the result trims.
      assert.equal(report.result.stdoutLength, CAP - 1);
      assert.equal(report.result.stderrLength, CAP - 1);
      assert.deepEqual(report.streamed, { stdout: out, stderr: err });
      assertBoundedRss(transport, report, out + err, RSS_BOUND);
    });

    it(`${transport}: \`yes\` without end is stopped by the timeout, truncated, memory bounded`, async () => {
      const report = await runFlood(linux(transport, "exec yes", { timeoutMs: 4_000 }));
      assert.equal(report.result.timedOut, true);
      const dropped = report.result.truncated?.stdout ?? 0;
      assert.ok(report.streamed.stdout > CAP, `only ${report.streamed.stdout} bytes streamed`);
      assert.equal(report.result.stdoutLength + 1 + dropped, report.streamed.stdout, "kept + dropped = all");
      assertBoundedRss(`${transport} (yes until timeout)`, report, report.streamed.stdout, RSS_BOUND);
    });
  }

  it("winrm: 40 MB from PowerShell on the lab Windows guest keeps 16 MiB and counts the rest", async () => {
    requireLab();
    const [host, port] = (process.env.POD_WINRM_HTTP ?? "").split(":");
    const password = process.env.POD_WINDOWS_PASSWORD;
    assert.ok(host && port && password, "lab.env lacks POD_WINRM_HTTP or POD_WINDOWS_PASSWORD: run `make lab`");
    const total = 40_000_000 + 2; // the string and CRLF
    const report = await runFlood({
      transport: "winrm",
      target: host as string,
      port: Number(port),
      user: process.env.POD_WINDOWS_USER ?? "Administrator",
      password: password as string,
      os: "windows",
      command: { script: "'y' * 40000000", shell: "powershell" },
      timeoutMs: 120_000,
      listen: true,
    });
    assert.equal(report.result.exitCode, 0);
    assert.deepEqual(report.result.truncated, { stdout: total - CAP, stderr: 0 });
    assert.equal(report.streamed.stdout, total);
    assertBoundedRss("winrm", report, total, RSS_BOUND);
  });

  it("file downloads past getFile's maxBytes are refused with TOO_LARGE (SFTP, Docker archive)", async () => {
    await guest.run(["sh", "-c", "head -c 40000000 /dev/zero > /tmp/big.bin && chmod 644 /tmp/big.bin"]);
    const ssh = new SshConnection({
      host: guest.ip,
      username: guest.user,
      password: new Secret(guest.password),
      hostKey: { fingerprints: guest.fingerprints },
    });
    const docker = new DockerExecConnection({ container: guest.name });
    try {
      for (const connection of [ssh, docker]) {
        await assert.rejects(connection.getFile("/tmp/big.bin", { maxBytes: 8 * MiB }), (e) => {
          assert.ok(isPodError(e, "TOO_LARGE"), String(e));
          assert.equal(e.details.size, 40_000_000, "the announced size is reported");
          return true;
        });
        assert.equal((await connection.getFile("/tmp/big.bin", { maxBytes: 40_000_000 })).length, 40_000_000);
      }
    } finally {
      await ssh.close();
    }
  });
});

describe("lab: a vSphere endpoint that sends an endless or oversized body", () => {
  const lab = requireLab();
  const tls = join(lab.state, "tls");
  let peer: FloodingEndpoint;

  before(async () => {
    peer = await startFloodingEndpoint({
      cert: readFileSync(join(tls, "server.pem")),
      key: readFileSync(join(tls, "server-key.pem")),
    });
  });
  after(() => peer.close());

  const transport = () => new HttpsTransport("127.0.0.1", peer.port, { ca: lab.ca });

  it("stops reading an endless body past the bound and raises TOO_LARGE", async () => {
    const t = transport();
    try {
      await assert.rejects(
        t.request({ method: "POST", path: "/sdk", body: "<x/>", timeoutMs: 30_000, maxBytes: 4 * MiB }),
        (e) => isPodError(e, "TOO_LARGE"),
      );
      await peer.closed(); // the connection is dropped: the server sees its response closed
      assert.ok(peer.written() < 64 * MiB, `the server wrote ${peer.written()} bytes before pod hung up`);
    } finally {
      t.close();
    }
  });

  it("refuses a body whose Content-Length is over the default bound before reading it", async () => {
    const t = transport();
    try {
      await assert.rejects(t.request({ method: "GET", path: "/declared", timeoutMs: 30_000 }), (e) => {
        assert.ok(isPodError(e, "TOO_LARGE"));
        assert.equal(e.details.size, DECLARED_BYTES);
        return true;
      });
    } finally {
      t.close();
    }
  });
});

describe("lab: a WinRM endpoint that sends an endless or oversized reply", () => {
  let peer: FloodingEndpoint;
  const agent = new http.Agent({ keepAlive: true });

  before(async () => {
    peer = await startFloodingEndpoint();
  });
  after(() => {
    agent.destroy();
    peer.close();
  });

  const endpoint = (path: string) => ({ host: "127.0.0.1", port: peer.port, https: false, path, agent });
  const body = () => ({ headers: {}, body: Buffer.from("<x/>") });

  it("stops reading an endless reply past the bound and raises TOO_LARGE", async () => {
    await assert.rejects(exchange(endpoint("/wsman"), body, 30_000, 4 * MiB), (e) => isPodError(e, "TOO_LARGE"));
    await peer.closed(); // pod hung up: the server sees its response closed
    assert.ok(peer.written() < 64 * MiB, `the server wrote ${peer.written()} bytes before pod hung up`);
  });

  it("refuses a reply whose Content-Length is over the default bound before reading it", async () => {
    await assert.rejects(exchange(endpoint("/declared"), body, 30_000), (e) => {
      assert.ok(isPodError(e, "TOO_LARGE"));
      assert.equal(e.details.size, DECLARED_BYTES);
      return true;
    });
  });
});
