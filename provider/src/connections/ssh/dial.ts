/**
 * Opens one authenticated SSH connection, and retries that with bounded,
 * jittered exponential backoff while the failure is a network one
 * (`dialErrorLimit` attempts of at most `perDialTimeoutMs` each, as
 * pulumi-command does). Refused host keys and credentials are never retried.
 */
import type { Duplex } from "node:stream";
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2";
import { PodError } from "../../common/errors";
import { retryTransient, withRetry } from "../../common/retry";
import { withSpan } from "../../observability/tracing";
import { makeAuthHandler, type ResolvedAuth } from "./auth";
import type { HostKeyVerifier } from "./host-key";

export interface DialSettings {
  host: string;
  port: number;
  auth: ResolvedAuth;
  hostKey: HostKeyVerifier;
  perDialTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** A stream to speak SSH over instead of a TCP socket (a jump host's forwarded channel). */
  openSocket?: () => Promise<Duplex>;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

type Ssh2Error = Error & { level?: string; code?: string };

function classify(error: Ssh2Error | undefined, where: string, auth: ResolvedAuth, tried: string[]): PodError {
  if (error instanceof PodError) return error;
  const detail = error?.message ?? "the server closed the connection during the handshake";
  if (error?.level === "client-authentication") {
    const methods = (tried.length ? tried : auth.methods).join(", ");
    return new PodError("AUTH_FAILED", `SSH login as "${auth.username}" on ${where} was refused (tried: ${methods}).`, {
      fix: "Check the user name and the password or key for this guest; the guest's sshd log (journalctl -u ssh, /var/log/auth.log) says why it refused.",
      details: { host: where, user: auth.username, methods: tried },
      cause: error,
    });
  }
  const network =
    error === undefined ||
    error.level === "client-timeout" ||
    error.level === "client-socket" ||
    (error.code !== undefined && NETWORK_CODES.has(error.code)) ||
    /Connection lost|closed|No response from server|ECONNRESET/i.test(detail);
  if (network) {
    return new PodError("UNREACHABLE", `Cannot reach SSH on ${where}: ${detail}.`, {
      fix: "Check that the guest is up, that sshd runs and that its port is open from here.",
      details: { host: where, ...(error?.code ? { errno: error.code } : {}) },
      transient: true,
      cause: error,
    });
  }
  if (error.level === "client-dns" || error.code === "ENOTFOUND") {
    return new PodError("UNREACHABLE", `Cannot resolve ${where}: ${detail}.`, {
      fix: "Check the host name.",
      details: { host: where },
      cause: error,
    });
  }
  return new PodError("PROTOCOL_ERROR", `SSH handshake with ${where} failed: ${detail}.`, {
    fix: "Check that the port speaks SSH and shares an algorithm with pod (ssh2 1.17).",
    details: { host: where, level: error.level },
    cause: error,
  });
}

/** One attempt: resolves with a ready client or rejects with a classified PodError. */
export async function dialOnce(settings: DialSettings): Promise<Client> {
  const where = `${settings.host}:${settings.port}`;
  const sock = settings.openSocket ? await settings.openSocket() : undefined;
  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    const tried: string[] = [];
    let hostKeyError: PodError | undefined;
    let lastError: Ssh2Error | undefined;
    let ready = false;
    // ssh2 reports some failures (agent, a key's signature) and then goes on to
    // the next method: remember errors and decide when the socket closes.
    const onError = (error: Ssh2Error) => {
      if (error.level !== "agent" || !lastError) lastError = error;
    };
    client.on("error", onError);
    client.once("ready", () => {
      ready = true;
      client.off("error", onError);
      resolve(client);
    });
    client.once("close", () => {
      if (!ready) reject(hostKeyError ?? classify(lastError, where, settings.auth, tried));
    });
    const config: ConnectConfig = {
      host: settings.host,
      port: settings.port,
      username: settings.auth.username,
      readyTimeout: settings.perDialTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      algorithms: { serverHostKey: settings.hostKey.algorithms as ServerHostKeyAlgorithm[] },
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        settings.hostKey.verify(key).then(
          () => verify(true),
          (error: unknown) => {
            hostKeyError =
              error instanceof PodError ? error : classify(error as Ssh2Error, where, settings.auth, tried);
            verify(false);
          },
        );
      },
      authHandler: makeAuthHandler(settings.auth, tried) as unknown as ConnectConfig["authHandler"],
      ...(sock ? { sock } : {}),
    };
    try {
      client.connect(config);
      // SSH is small request/response exchanges: without TCP_NODELAY, Nagle
      // plus delayed ACKs add ~40 ms stalls to the handshake and every command.
      client.setNoDelay(true);
    } catch (error) {
      reject(classify(error as Ssh2Error, where, settings.auth, tried));
    }
  });
}

export interface DialRetry {
  /** Attempts in all; -1 = unlimited (default 10). */
  dialErrorLimit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry?: (message: string) => void;
}

/** Span attributes of a dial: where and as whom, never a credential. */
const dialAttributes = (settings: DialSettings) => ({
  "server.address": settings.host,
  "server.port": settings.port,
  "pod.ssh.user": settings.auth.username,
  "pod.ssh.jump": settings.openSocket !== undefined,
});

/**
 * A span around the whole dial (retries included) and one per attempt, so a
 * trace shows where connection setup spends its time and which attempt failed.
 */
export function dialWithRetry(settings: DialSettings, retry: DialRetry): Promise<Client> {
  const attributes = dialAttributes(settings);
  return withSpan("pod.ssh.dial", attributes, async (span) => {
    let made = 0;
    try {
      return await retryDial(settings, retry, (n) => {
        made = n;
        return withSpan("pod.ssh.handshake", { ...attributes, "pod.ssh.attempt": n }, () => dialOnce(settings));
      });
    } finally {
      span.setAttribute("pod.ssh.attempts", made);
    }
  });
}

/** Bounded, jittered retries of `dial` while the failure is a network one. */
async function retryDial(
  settings: DialSettings,
  retry: DialRetry,
  dial: (n: number) => Promise<Client>,
): Promise<Client> {
  const where = `${settings.host}:${settings.port}`;
  const attempts = retry.dialErrorLimit < 0 ? Number.POSITIVE_INFINITY : Math.max(1, retry.dialErrorLimit);
  let made = 0;
  try {
    return await withRetry(() => dial(++made), {
      attempts,
      baseDelayMs: retry.baseDelayMs,
      maxDelayMs: retry.maxDelayMs,
      retryable: retryTransient,
      onRetry: (error, attempt, delay) =>
        retry.onRetry?.(
          `Dial ${attempt}/${Number.isFinite(attempts) ? attempts : "∞"} to ${where} failed (${(error as Error).message}): retrying in ${delay} ms`,
        ),
    });
  } catch (error) {
    if (error instanceof PodError && error.code === "UNREACHABLE" && made > 1) {
      throw new PodError("UNREACHABLE", `${error.message.replace(/\.$/, "")} (after ${made} attempts).`, {
        fix: error.fix ?? "Check the host.",
        details: { ...error.details, attempts: made },
        transient: true,
        cause: error,
      });
    }
    throw error;
  }
}
