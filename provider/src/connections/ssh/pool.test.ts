import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Client } from "ssh2";
import { isPodError, PodError } from "../../common/errors";
import { type Lease, SshPool } from "./pool";

/** Stands in for a connected ssh2 Client: the pool only listens for close and calls end(). */
class FakeClient extends EventEmitter {
  ended = false;
  end() {
    this.ended = true;
    setImmediate(() => this.emit("close"));
  }
  destroy() {
    this.end();
  }
  drop() {
    this.emit("close");
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function fakeDialer(options: { fail?: () => PodError | undefined } = {}) {
  const clients: FakeClient[] = [];
  const dial = async () => {
    await tick();
    const failure = options.fail?.();
    if (failure) throw failure;
    const client = new FakeClient();
    clients.push(client);
    return client as unknown as Client;
  };
  return { clients, dial };
}

describe("connections/ssh pool", () => {
  const limits = { maxConnections: 3, maxChannels: 2, maxStartups: 3, staggerMs: 0 };

  it("reuses a connection, then opens more on demand up to the limit, then queues", async () => {
    const { clients, dial } = fakeDialer();
    const pool = new SshPool("h:22", dial, limits);
    const first = await pool.acquire();
    first.release();
    const again = await pool.acquire();
    assert.equal(clients.length, 1, "reused");
    assert.equal(again.linkId, first.linkId);
    again.release();

    const leases: Lease[] = [];
    const pending = Array.from({ length: 8 }, () => pool.acquire().then((l) => leases.push(l)));
    while (leases.length < 6) await tick();
    assert.equal(clients.length, 3, "3 connections × 2 channels");
    assert.equal(pool.stats().busyChannels, 6);
    assert.equal(pool.stats().queued, 2);
    const perLink = new Map<number, number>();
    for (const l of leases) perLink.set(l.linkId, (perLink.get(l.linkId) ?? 0) + 1);
    assert.ok(
      [...perLink.values()].every((n) => n <= 2),
      "never more than maxChannels on one connection",
    );

    for (const l of leases.splice(0, 2)) l.release();
    await Promise.all(pending);
    assert.equal(pool.stats().queued, 0);
    for (const l of leases) l.release();
    await pool.close();
    assert.ok(clients.every((c) => c.ended));
  });

  it("lowers a connection's capacity when the server refuses a channel", async () => {
    const { dial } = fakeDialer();
    const pool = new SshPool("h:22", dial, { ...limits, maxConnections: 1 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    b.refused();
    b.release();
    let third = false;
    void pool.acquire().then(() => {
      third = true;
    });
    await tick();
    assert.equal(third, false, "capacity is now 1, held by a");
    a.release();
    await tick();
    assert.equal(third, true);
    assert.equal(pool.stats().refusals, 1);
    await pool.close();
  });

  it("drops a lost connection and counts the reconnect", async () => {
    const { clients, dial } = fakeDialer();
    const pool = new SshPool("h:22", dial, limits);
    const events: string[] = [];
    pool.events.on((e) => events.push(`${e.kind} ${e.transport} ${e.target}`));
    (await pool.acquire()).release();
    clients[0]?.drop();
    assert.equal(pool.stats().openConnections, 0);
    (await pool.acquire()).release();
    assert.equal(clients.length, 2);
    assert.deepEqual([pool.stats().lost, pool.stats().reconnects], [1, 1]);
    assert.deepEqual(events, ["reconnect ssh h:22"], "reported as it happens");
    await pool.close();
  });

  it("gives every waiter the dial error when no connection is left", async () => {
    const down = new PodError("UNREACHABLE", "h:22 is unreachable", { transient: true });
    const { dial } = fakeDialer({ fail: () => down });
    const pool = new SshPool("h:22", dial, limits);
    let failures = 0;
    pool.events.on(() => {
      failures++;
      throw new Error("a broken listener must not disturb the pool");
    });
    const results = await Promise.allSettled([pool.acquire(), pool.acquire(), pool.acquire()]);
    assert.ok(results.every((r) => r.status === "rejected" && isPodError(r.reason, "UNREACHABLE")));
    assert.ok(pool.stats().failures >= 1);
    assert.equal(failures, pool.stats().failures);
    await pool.close();
  });

  it("staggers openings and caps how many open at once", async () => {
    let concurrent = 0;
    let peak = 0;
    const starts: number[] = [];
    const dial = async () => {
      starts.push(Date.now());
      concurrent++;
      peak = Math.max(peak, concurrent);
      await new Promise((r) => setTimeout(r, 30));
      concurrent--;
      return new FakeClient() as unknown as Client;
    };
    const pool = new SshPool("h:22", dial, { maxConnections: 4, maxChannels: 1, maxStartups: 2, staggerMs: 20 });
    const leases = await Promise.all(Array.from({ length: 4 }, () => pool.acquire()));
    assert.equal(starts.length, 4);
    assert.ok(peak <= 2, `at most 2 dials at once (saw ${peak})`);
    for (let i = 1; i < starts.length; i++) {
      assert.ok((starts[i] ?? 0) - (starts[i - 1] ?? 0) >= 15, "openings are spaced");
    }
    for (const l of leases) l.release();
    await pool.close();
  });

  it("rejects waiters when closed, and afterwards", async () => {
    const { dial } = fakeDialer();
    const pool = new SshPool("h:22", dial, { ...limits, maxConnections: 1, maxChannels: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire().catch((e: unknown) => e);
    await pool.close();
    assert.ok(isPodError(await waiting, "CONNECTION_LOST"));
    await assert.rejects(pool.acquire(), (e) => isPodError(e, "CONNECTION_LOST"));
    held.release();
  });
});
