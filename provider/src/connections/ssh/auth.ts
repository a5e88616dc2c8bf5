/**
 * SSH credentials: password, private key (file or content, with passphrase)
 * and agent. Keys are checked before any connection: a key file readable by
 * others is refused as OpenSSH refuses it, and a key that does not decrypt
 * fails here with a clear message rather than as a vague login failure.
 */
import { readFile, stat } from "node:fs/promises";
import type { AuthenticationType } from "ssh2";
import { utils } from "ssh2";
import { PodError } from "../../common/errors";
import { type Secret, toSecret } from "../../common/secret";
import { withCertificate } from "./certificate";

export interface SshAuthOptions {
  username: string;
  password?: string | Secret;
  /** Private key content (OpenSSH, PEM or PuTTY format). */
  privateKey?: string | Buffer | Secret;
  /** Private key file; refused when group or others can access it. */
  privateKeyPath?: string;
  passphrase?: string | Secret;
  /** An OpenSSH user certificate for privateKey ("ssh-ed25519-cert-v01@openssh.com AAAA…"), e.g. signed by Vault. */
  certificate?: string;
  /** ssh-agent socket path, or true for $SSH_AUTH_SOCK. */
  agent?: string | true;
}

type ParsedKey = Exclude<ReturnType<typeof utils.parseKey>, Error | unknown[]>;

/** One attempt in the order tried; ssh2's authHandler objects. */
export type AuthAttempt =
  | { type: "agent"; username: string; agent: string }
  | { type: "publickey"; username: string; key: ParsedKey }
  | { type: "password"; username: string; password: string }
  | {
      type: "keyboard-interactive";
      username: string;
      prompt: (
        name: string,
        instructions: string,
        lang: string,
        prompts: unknown[],
        finish: (r: string[]) => void,
      ) => void;
    };

export interface ResolvedAuth {
  username: string;
  attempts: AuthAttempt[];
  /** Method names for messages ("publickey, password"); never a secret. */
  methods: string[];
}

/** OpenSSH's rule (sshkey_perm_ok): a key file of ours that group or others can touch is refused. */
export async function checkKeyFilePermissions(path: string): Promise<void> {
  if (process.platform === "win32") return;
  const info = await stat(path).catch((cause: unknown) => {
    throw new PodError("INVALID_INPUT", `The private key file ${path} cannot be read.`, {
      fix: "Check the path of the private key file.",
      cause,
    });
  });
  if (info.uid === process.getuid?.() && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
    throw new PodError("INVALID_INPUT", `Permissions ${mode} for the private key file ${path} are too open.`, {
      fix: `Run \`chmod 600 ${path}\`: a private key must not be accessible by others (OpenSSH refuses it too).`,
      details: { path, mode },
    });
  }
}

export function parsePrivateKey(content: string | Buffer, passphrase: Secret | undefined, source: string): ParsedKey {
  const parsed = utils.parseKey(content, passphrase?.reveal());
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    const message = key instanceof Error ? key.message : "no key found";
    if (/passphrase|decrypt/i.test(message)) {
      throw new PodError("AUTH_FAILED", `The private key ${source} could not be decrypted: ${message}.`, {
        fix: passphrase ? "Check the key's passphrase." : "The key is encrypted: give its passphrase.",
      });
    }
    throw new PodError("INVALID_INPUT", `The private key ${source} cannot be parsed: ${message}.`, {
      fix: "Give an OpenSSH, PEM or PuTTY private key.",
    });
  }
  if (!key.isPrivateKey()) {
    throw new PodError("INVALID_INPUT", `${source} is a public key, not a private key.`, {
      fix: "Give the private half of the key pair.",
    });
  }
  return key as ParsedKey;
}

export async function resolveAuth(options: SshAuthOptions): Promise<ResolvedAuth> {
  const { username } = options;
  const attempts: AuthAttempt[] = [];
  const passphrase = options.passphrase === undefined ? undefined : toSecret(options.passphrase);
  if (options.agent !== undefined) {
    const socket = options.agent === true ? process.env.SSH_AUTH_SOCK : options.agent;
    if (!socket) {
      throw new PodError("INVALID_INPUT", "SSH agent authentication was asked for, but SSH_AUTH_SOCK is not set.", {
        fix: "Start ssh-agent (and ssh-add a key), or give the agent socket path.",
      });
    }
    attempts.push({ type: "agent", username, agent: socket });
  }
  if (options.privateKeyPath !== undefined) {
    await checkKeyFilePermissions(options.privateKeyPath);
    const content = await readFile(options.privateKeyPath);
    attempts.push({ type: "publickey", username, key: parsePrivateKey(content, passphrase, options.privateKeyPath) });
  }
  if (options.privateKey !== undefined) {
    const pk = options.privateKey;
    const content = typeof pk === "string" || Buffer.isBuffer(pk) ? pk : pk.reveal();
    const key = parsePrivateKey(content, passphrase, "(inline)");
    const presented = options.certificate ? withCertificate(key, options.certificate) : key;
    attempts.push({ type: "publickey", username, key: presented });
  }
  if (options.password !== undefined) {
    const password = toSecret(options.password).reveal();
    attempts.push({ type: "password", username, password });
    // Servers with PasswordAuthentication off often still take the password this way.
    attempts.push({
      type: "keyboard-interactive",
      username,
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  if (attempts.length === 0) {
    throw new PodError("INVALID_INPUT", `No SSH credentials were given for user "${username}".`, {
      fix: "Give a password, a private key (privateKey or privateKeyPath) or an agent.",
    });
  }
  return { username, attempts, methods: [...new Set(attempts.map((a) => a.type))] };
}

/**
 * ssh2's authHandler: tries our attempts in order, skipping methods the
 * server says it does not take, and remembers which ones it tried.
 */
export function makeAuthHandler(auth: ResolvedAuth, tried: string[]) {
  let next = 0;
  return (methodsLeft: AuthenticationType[] | null): AuthAttempt | false => {
    while (next < auth.attempts.length) {
      const attempt = auth.attempts[next++];
      if (!attempt) break;
      const wire = attempt.type === "agent" ? "publickey" : attempt.type;
      if (methodsLeft && !methodsLeft.includes(wire)) continue;
      tried.push(attempt.type);
      return attempt;
    }
    return false;
  };
}
