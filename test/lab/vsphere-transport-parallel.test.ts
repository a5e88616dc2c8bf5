import assert from "node:assert/strict";
import { EventEmitter, once } from "node:events";
import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { HttpsTransport } from "../../provider/src/vsphere/soap/transport";
import { requireLab } from "../support/lab-env";

/**
 * Issue 15: one vSphere session serves every resource of a provider process,
 * and calls that hold their socket (WaitForUpdatesEx long polls, reads of a
 * VM whose guest is stopping) must not queue the others: N guests destroyed
 * together used to go through in waves of 8 sockets. A server of the test's
 * own (the lab's TLS key, on loopback) answers only once `PARALLEL` requests
 * are in flight at once.
 */
describe("lab: the vSphere transport keeps many calls in flight on one session", () => {
  const lab = requireLab();
  const PARALLEL = 24;
  let server: https.Server;
  let port = 0;
  let inFlight = 0;
  let most = 0;
  const arrivals = new EventEmitter();
  const held: (() => void)[] = [];
  let fallback: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    clearTimeout(fallback);
    fallback = undefined;
    for (const answer of held.splice(0)) answer();
  };

  before(async () => {
    server = https.createServer(
      {
        cert: readFileSync(join(lab.state, "tls/server.pem")),
        key: readFileSync(join(lab.state, "tls/server-key.pem")),
      },
      (req, res) => {
        req.resume();
        inFlight++;
        most = Math.max(most, inFlight);
        held.push(() => {
          inFlight--;
          res.end("ok");
        });
        arrivals.emit("request");
        if (inFlight >= PARALLEL) releaseAll();
        // A bound for the failure case only (fewer sockets than PARALLEL): then the assertion says how many.
        else if (!fallback) fallback = setTimeout(releaseAll, 10_000);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    releaseAll();
    server.close();
  });

  it(`has ${PARALLEL} requests in flight at once, all answered`, async () => {
    const transport = new HttpsTransport("127.0.0.1", port, { ca: lab.ca });
    try {
      // One after another, each once the server holds the one before, as calls come in a
      // provider process (sent in one burst, Node opens a socket for each before it counts any).
      const pending: Promise<{ status: number; body: string }>[] = [];
      for (let i = 0; i < PARALLEL; i++) {
        const arrived = once(arrivals, "request");
        pending.push(transport.request({ method: "POST", path: "/sdk", body: "<x/>", timeoutMs: 60_000 }));
        // A request the agent queues never arrives: the fallback's release ends the wait then.
        await Promise.race([arrived, ...pending]);
      }
      const replies = await Promise.all(pending);
      assert.deepEqual(
        replies.map((r) => [r.status, r.body]),
        Array.from({ length: PARALLEL }, () => [200, "ok"]),
      );
      assert.equal(most, PARALLEL, `the server saw at most ${most} requests at once`);
    } finally {
      transport.close();
    }
  });
});
