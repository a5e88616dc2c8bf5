/**
 * Readiness waits, in one place: a lab peer that has no event to wait for
 * (a port that starts listening, a log line that appears) is polled here,
 * with a deadline and a message that says what never became ready.
 */
import { connect } from "node:net";

/** Resolves with probe()'s first defined value; fails after timeoutMs with `what` and the last error. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last ? `: ${(last as Error).message ?? last}` : "";
      throw new Error(`${what} did not happen within ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves once host:port accepts a TCP connection (a guest's sshd starts after its IP is known). */
export function waitForPort(host: string, port: number, timeoutMs = 30_000): Promise<void> {
  const open = () =>
    new Promise<true | undefined>((resolve) => {
      const socket = connect({ host, port, timeout: 1000 });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(undefined));
      socket.once("timeout", () => {
        socket.destroy();
        resolve(undefined);
      });
    });
  return waitUntil(`${host}:${port} opening`, open, { timeoutMs }).then(() => undefined);
}
