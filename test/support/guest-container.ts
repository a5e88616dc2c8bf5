/**
 * A lab guest: a container from the pod-guest images, labelled pod.lab=1 (so
 * `make lab-down` removes it), with its IP, its freshly generated host-key
 * fingerprints (read from the container log, as from a VM console) and its
 * credentials. Tests remove it in an after() hook.
 */
import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import Docker from "dockerode";

export const docker = new Docker();

export type GuestImage = "pod-guest-debian:12" | "pod-guest-rocky:9";

export interface GuestOptions {
  image?: GuestImage;
  password?: string;
  /** authorized_keys content for user pod. */
  authorizedKeys?: string;
  /** sshd runs in a loop: kill it and it comes back (same host keys) after `restartDelaySeconds`. */
  restartableSshd?: boolean;
  restartDelaySeconds?: number;
  /** A user-defined Docker network to attach to (instead of the default bridge). */
  network?: string;
  /** Linux capabilities to add, e.g. ["NET_ADMIN"] for `ip` changes inside the guest. */
  capAdd?: string[];
  /**
   * An SSH user CA public key the guest's sshd trusts (TrustedUserCAKeys), written at container start
   * (the shared image stays as it is); password and keyboard-interactive logins are then switched off.
   */
  trustedUserCaKey?: string;
}

/** The entrypoint, after sshd is told to trust $POD_USER_CA and to take certificates only. */
const TRUST_CA_THEN_INIT = [
  'printf "%s\\n" "$POD_USER_CA" > /etc/ssh/pod_user_ca.pub',
  "printf 'TrustedUserCAKeys /etc/ssh/pod_user_ca.pub\\nPasswordAuthentication no\\nKbdInteractiveAuthentication no\\n' > /etc/ssh/sshd_config.d/pod-user-ca.conf",
  "exec /usr/local/sbin/pod-guest-init",
].join(" && ");

export interface GuestContainer {
  id: string;
  name: string;
  image: GuestImage;
  ip: string;
  port: number;
  user: string;
  password: string;
  /** "SHA256:…" of every host key. */
  fingerprints: string[];
  /** By key type as ssh-keygen names it: ED25519, ECDSA, RSA. */
  fingerprintByType: Record<string, string>;
  /** Runs argv in the container as root, straight through the Docker API (not pod's code). */
  run(argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | null }>;
  /** Resolves with the log once `done(log)` holds, following the log live (an event, not a poll). */
  waitForLog(done: (log: string) => boolean, timeoutMs?: number): Promise<string>;
  remove(): Promise<void>;
}

const BEGIN = "-----BEGIN SSH HOST KEY FINGERPRINTS-----";
const END = "-----END SSH HOST KEY FINGERPRINTS-----";

export async function requireDocker(): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`Docker is not reachable (${(error as Error).message}): run \`make lab\` first.`);
  }
}

function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (type === 2 ? err : out).push(payload);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

async function runIn(container: Docker.Container, argv: string[]) {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const info = await exec.inspect();
  return { ...demux(Buffer.concat(chunks)), exitCode: info.ExitCode ?? null };
}

/**
 * Follows a container's log from its start (history, then live lines) until
 * `done(log)` holds; fails with the log so far on timeout or when the log ends.
 */
async function followLog(container: Docker.Container, done: (log: string) => boolean, timeoutMs: number) {
  const stream = (await container.logs({ follow: true, stdout: true, stderr: true })) as NodeJS.ReadableStream & {
    destroy?: () => void;
  };
  const text = new PassThrough();
  docker.modem.demuxStream(stream, text, text);
  return new Promise<string>((resolve, reject) => {
    let log = "";
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.destroy?.();
      if (error) reject(new Error(`${error.message}; log so far:\n${log}`));
      else resolve(log);
    };
    const timer = setTimeout(() => finish(new Error(`no matching log within ${timeoutMs} ms`)), timeoutMs);
    text.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (done(log)) finish();
    });
    stream.on("end", () => finish(new Error("the container's log ended")));
    stream.on("error", (e: Error) => finish(e));
  });
}

/** Parses the fingerprint block guest-init prints: "256 SHA256:… root@host (ED25519)". */
export function parseFingerprintBlock(log: string): Record<string, string> {
  const start = log.lastIndexOf(BEGIN);
  const end = log.indexOf(END, start);
  if (start < 0 || end < 0) return {};
  const out: Record<string, string> = {};
  for (const line of log.slice(start + BEGIN.length, end).split("\n")) {
    const m = /(SHA256:[A-Za-z0-9+/]+).*\((\w+)\)\s*$/.exec(line.trim());
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}

export async function startGuest(options: GuestOptions = {}): Promise<GuestContainer> {
  await requireDocker();
  const image = options.image ?? "pod-guest-debian:12";
  const password = options.password ?? `pod-${randomBytes(6).toString("hex")}`;
  const name = `pod-test-${randomBytes(4).toString("hex")}`;
  const env = [`VMX_GUESTINFO_POD_PASSWORD=${password}`];
  if (options.authorizedKeys) {
    env.push(`VMX_GUESTINFO_POD_AUTHORIZED_KEYS=${Buffer.from(options.authorizedKeys).toString("base64")}`);
  }
  if (options.trustedUserCaKey) env.push(`POD_USER_CA=${options.trustedUserCaKey}`);
  const delay = options.restartDelaySeconds ?? 2;
  const container = await docker.createContainer({
    name,
    Image: image,
    Env: env,
    Labels: { "pod.lab": "1" },
    ...(options.restartableSshd
      ? { Cmd: ["/bin/sh", "-c", `while :; do /usr/local/sbin/pod-guest-init; sleep ${delay}; done`] }
      : {}),
    ...(options.trustedUserCaKey ? { Cmd: ["/bin/sh", "-c", TRUST_CA_THEN_INIT] } : {}),
    HostConfig: {
      AutoRemove: false,
      ...(options.network ? { NetworkMode: options.network } : {}),
      ...(options.capAdd ? { CapAdd: options.capAdd } : {}),
    },
  });
  const remove = async () => {
    await container.remove({ force: true }).catch(() => undefined);
  };
  try {
    await container.start();
    const log = await followLog(
      container,
      (text) => Object.keys(parseFingerprintBlock(text)).length > 0 && /Server listening on/.test(text),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`guest ${name} did not start sshd within 30 s: ${error.message}`);
    });
    const fingerprintByType = parseFingerprintBlock(log);
    const info = await container.inspect();
    const networks = info.NetworkSettings.Networks;
    const ip = (options.network ? networks[options.network] : Object.values(networks)[0])?.IPAddress ?? "";
    if (!ip) throw new Error(`guest ${name} has no IP address`);
    return {
      id: info.Id,
      name,
      image,
      ip,
      port: 22,
      user: "pod",
      password,
      fingerprints: Object.values(fingerprintByType),
      fingerprintByType,
      run: (argv) => runIn(container, argv),
      waitForLog: (done, timeoutMs = 30_000) => followLog(container, done, timeoutMs),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

export interface LabNetwork {
  name: string;
  /** "10.x.y.0/24" */
  subnet: string;
  /** The subnet's first three octets, "10.x.y". */
  prefix: string;
  gateway: string;
  remove(): Promise<void>;
}

/**
 * A user-defined Docker network labelled pod.lab=1 (so `make lab-down` removes
 * it), on a free 10.x.y.0/24; tests remove it in an after() hook.
 */
export async function createLabNetwork(): Promise<LabNetwork> {
  await requireDocker();
  const name = `pod-test-net-${randomBytes(4).toString("hex")}`;
  const used = new Set(
    (await docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "")).filter(Boolean),
  );
  for (let attempt = 0; attempt < 20; attempt++) {
    const bytes = randomBytes(2);
    const prefix = `10.${200 + ((bytes[0] ?? 0) % 50)}.${bytes[1] ?? 0}`;
    const subnet = `${prefix}.0/24`;
    if (used.has(subnet)) continue;
    try {
      const network = await docker.createNetwork({
        Name: name,
        Driver: "bridge",
        Labels: { "pod.lab": "1" },
        IPAM: { Config: [{ Subnet: subnet, Gateway: `${prefix}.1` }] },
      });
      return {
        name,
        subnet,
        prefix,
        gateway: `${prefix}.1`,
        remove: async () => {
          await network.remove().catch(() => undefined);
        },
      };
    } catch (error) {
      if (!/overlap|Pool/i.test((error as Error).message)) throw error;
    }
  }
  throw new Error("no free 10.x.y.0/24 for a lab network");
}
