import assert from "node:assert/strict";
import { PodClient } from "../../provider/src/client/pod-client";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { WinrmConnection } from "../../provider/src/connections/winrm/connection";
import { VsphereSession } from "../../provider/src/vsphere/session";
import { SessionPool } from "../../provider/src/vsphere/session-pool";
import { requireLab } from "../support/lab-env";
import { startSilentPeer, startSwitchableProxy, startTlsRecorder, wrongThumbprint } from "../support/tls-peers";

/**
 * Issue 12: TLS peers that misbehave, started by the test on 127.0.0.1 — a
 * socket that accepts and stays silent, a proxy flipped from silent to
 * forwarding to vcsim, and a TLS server presenting a certificate pod must not
 * trust (it records every byte it is sent).
 */
describe("lab: adversarial TLS peers (handshake timeout, wrong pin)", function () {
  this.timeout(60_000);
  const lab = requireLab();
  const BOUND = 1500;
  // Correctness slack around the bound (scheduling, socket teardown), not a performance target.
  const SLACK = 3000;
  const password = new Secret(lab.vspherePassword);

  describe("a peer that accepts and never answers the TLS handshake", () => {
    it("vSphere: connect fails TIMEOUT within the configured handshake bound", async () => {
      const silent = await startSilentPeer();
      try {
        const started = Date.now();
        await assert.rejects(
          VsphereSession.connect({
            host: `127.0.0.1:${silent.port}`,
            user: lab.vsphereUser,
            password,
            trust: { ca: lab.ca, handshakeTimeoutMs: BOUND },
          }),
          (e) => {
            assert.ok(isPodError(e, "TIMEOUT"), String(e));
            assert.match(e.message, /No TLS handshake with vSphere 127\.0\.0\.1:\d+ within 1500 ms/);
            assert.ok(e.fix);
            return true;
          },
        );
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= BOUND - 50, `waited for the handshake (${elapsed} ms)`);
        assert.ok(elapsed < BOUND + SLACK, `failed within the bound (${elapsed} ms)`);
        assert.equal(silent.accepted, 1, "one connection, no retry loop against a silent peer");
      } finally {
        await silent.close();
      }
    });

    it("WinRM over HTTPS: a command fails TIMEOUT within the bound, the password never sent", async () => {
      const silent = await startSilentPeer();
      const winrm = new WinrmConnection({
        host: "127.0.0.1",
        port: silent.port,
        https: true,
        auth: "basic",
        username: "Administrator",
        password: "never-Sent-Pw-1",
        tls: { insecure: true, handshakeTimeoutMs: BOUND },
      });
      try {
        const started = Date.now();
        await assert.rejects(winrm.exec("hostname"), (e) => isPodError(e, "TIMEOUT") && /WinRM/.test(e.message));
        assert.ok(Date.now() - started < BOUND + SLACK, `within the bound (${Date.now() - started} ms)`);
      } finally {
        await winrm.close();
        await silent.close();
      }
    });

    it("PodClient: the timed-out session is not handed on; once the proxy forwards to vcsim the next call works", async () => {
      const proxy = await startSwitchableProxy(lab.vsphereHost);
      const pod = new PodClient({
        vsphereOptions: {
          host: `127.0.0.1:${proxy.port}`,
          user: lab.vsphereUser,
          password,
          trust: { ca: lab.ca, handshakeTimeoutMs: BOUND },
        },
      });
      try {
        const started = Date.now();
        await assert.rejects(pod.listVms(), (e) => isPodError(e, "TIMEOUT"));
        assert.ok(Date.now() - started < BOUND + SLACK);
        // A second caller while the peer is still silent gets its own TIMEOUT, not a hang.
        await assert.rejects(pod.listVms(), (e) => isPodError(e, "TIMEOUT"));
        proxy.forward();
        const vms = await pod.listVms();
        assert.ok(vms.length > 0, "vcsim's inventory, through the proxy");
        assert.ok(proxy.accepted >= 3, `a fresh connection after each failure (${proxy.accepted})`);
      } finally {
        await pod.close();
        await proxy.close();
      }
    });

    it("SessionPool: a login that timed out leaves the pool; the next use logs in afresh", async () => {
      const proxy = await startSwitchableProxy(lab.vsphereHost);
      const pool = new SessionPool(1_000);
      const options = {
        host: `127.0.0.1:${proxy.port}`,
        user: lab.vsphereUser,
        password,
        trust: { ca: lab.ca, handshakeTimeoutMs: BOUND },
      };
      try {
        const [a, b] = await Promise.allSettled([
          pool.use(options, async (s) => s.apiVersion),
          pool.use(options, async (s) => s.apiVersion),
        ]);
        for (const r of [a, b]) assert.ok(r.status === "rejected" && isPodError(r.reason, "TIMEOUT"));
        assert.equal(proxy.accepted, 1, "the two callers shared one attempt");
        proxy.forward();
        assert.match(await pool.use(options, async (s) => s.apiVersion), /^\d+\.\d+/);
      } finally {
        await pool.closeAll();
        await proxy.close();
      }
    });
  });

  describe("a pinned thumbprint", () => {
    it("a wrong pin is refused after the handshake and before any byte of the request is sent", async () => {
      const peer = await startTlsRecorder();
      try {
        await assert.rejects(
          VsphereSession.connect({
            host: `127.0.0.1:${peer.port}`,
            user: lab.vsphereUser,
            password,
            trust: { thumbprint: wrongThumbprint(peer.thumbprint) },
          }),
          (e) => {
            assert.ok(isPodError(e, "TLS_UNTRUSTED"), String(e));
            assert.ok(e.message.includes(peer.thumbprint), "names the thumbprint the peer presented");
            return true;
          },
        );
        // The refusal came after the peer's certificate was seen (the message names it); wait until the
        // peer's side of the connection is closed, so any byte in flight would have been counted.
        await peer.drained();
        assert.equal(peer.accepted, 1);
        assert.equal(peer.received().length, 0, "no application data reached the peer");

        // The same for WinRM over HTTPS, whose first request would carry Basic credentials.
        const winrm = new WinrmConnection({
          host: "127.0.0.1",
          port: peer.port,
          https: true,
          auth: "basic",
          username: "Administrator",
          password: "never-Sent-Pw-2",
          tls: { thumbprint: wrongThumbprint(peer.thumbprint) },
        });
        await assert.rejects(winrm.exec("hostname"), (e) => isPodError(e, "TLS_UNTRUSTED"));
        await winrm.close();
        await peer.drained();
        assert.ok(peer.accepted >= 2, "WinRM reached the peer too");
        assert.equal(peer.received().length, 0, "still nothing");
      } finally {
        await peer.close();
      }
    });

    it("the right pin is trusted: the same peer then receives the request (so the check above can fail)", async () => {
      const peer = await startTlsRecorder();
      try {
        // The peer answers 404 to everything: pod gets past TLS and fails on the protocol instead.
        await assert.rejects(
          VsphereSession.connect({
            host: `127.0.0.1:${peer.port}`,
            user: lab.vsphereUser,
            password,
            trust: { thumbprint: peer.thumbprint },
          }),
          (e) => isPodError(e, "PROTOCOL_ERROR"),
        );
        await peer.drained();
        assert.match(peer.received().toString("latin1"), /^GET \/sdk\/vimServiceVersions\.xml HTTP\/1\.1/);
      } finally {
        await peer.close();
      }
    });

    it("a pin wins over insecure: with both, a wrong pin is still refused", async () => {
      const peer = await startTlsRecorder();
      try {
        await assert.rejects(
          VsphereSession.connect({
            host: `127.0.0.1:${peer.port}`,
            user: lab.vsphereUser,
            password,
            trust: { thumbprint: wrongThumbprint(peer.thumbprint), insecure: true },
          }),
          (e) => isPodError(e, "TLS_UNTRUSTED"),
        );
        await peer.drained();
        assert.equal(peer.received().length, 0);
      } finally {
        await peer.close();
      }
    });
  });
});
