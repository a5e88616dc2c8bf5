/**
 * A resource's guest target through the credential chain PodClient and the
 * CLI use (credentials/guest.ts): the target's own fields win, field by
 * field; what it omits comes from stack config (pod:guestUser, --secret
 * pod:guestPassword, pod:guestKeyFile, pod:guestKeyPassphrase, read in the
 * provider's configure), then POD_GUEST_USER / _PASSWORD / _KEY_FILE /
 * _KEY_PASSPHRASE. The merged target lives only in memory for one step:
 * check returns the inputs as the user gave them, so state never gains a
 * secret that came from config or the environment.
 */
import { readFile } from "node:fs/promises";
import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import { checkKeyFilePermissions } from "../../connections/ssh/auth";
import { resolveGuestLogin } from "../../credentials/guest";
import type { GuestConfigKey, ProviderConfig } from "../../credentials/sources";
import { isVaultRef } from "../../credentials/vault/reference";
import { resolveSecretText, resolveTargetSecrets } from "../../credentials/vault/resolve";
import { vspherePasswordOf } from "../../credentials/vsphere";
import type { GuestTarget } from "../../execution/guest-target";
import type { CheckFailure } from "./validate";

const userFix = (input: string) =>
  `Set ${input}.user, or \`pulumi config set pod:guestUser <name>\` for the stack (or POD_GUEST_USER in the environment).`;
const passwordFix = (input: string) =>
  `Set ${input}.password, or \`pulumi config set --secret pod:guestPassword <password>\` (or POD_GUEST_PASSWORD).`;

interface Merged {
  target: GuestTarget;
  /** A key file named by config or env, read only when the target gives no privateKey. */
  keyFile?: string;
}

/** The field-by-field merge, without I/O: what check validates and create connects with. */
export function mergeGuestTarget(target: GuestTarget, config: ProviderConfig, env = process.env): Merged {
  const transport = target.transport ?? "ssh";
  // Docker exec has no login: its user is the container's own unless the target names one.
  if (transport === "docker") return { target };
  const cfg = (key: GuestConfigKey) => config[key] || undefined;
  const login = resolveGuestLogin({
    guest: {
      ...(target.user ? { username: target.user } : {}),
      ...(target.password ? { password: new Secret(target.password) } : {}),
    },
    pulumiConfig: { get: (key) => cfg(key.replace(/^pod:/, "") as GuestConfigKey) },
    env,
  });
  const merged: GuestTarget = {
    ...target,
    ...(login.username ? { user: login.username } : {}),
    ...(login.password ? { password: login.password.reveal() } : {}),
  };
  if (transport !== "ssh" || target.privateKey) return { target: merged };
  const keyFile = cfg("guestKeyFile") ?? (env.POD_GUEST_KEY_FILE || undefined);
  const passphrase = target.passphrase ?? cfg("guestKeyPassphrase") ?? (env.POD_GUEST_KEY_PASSPHRASE || undefined);
  if (!keyFile) return { target: merged };
  return { target: { ...merged, ...(passphrase ? { passphrase } : {}) }, keyFile };
}

/** What the merged target still lacks, as check failures naming the config key that fixes each. */
export function guestTargetFailures(
  target: GuestTarget | undefined,
  config: ProviderConfig,
  env = process.env,
  input = "target",
): CheckFailure[] {
  if (!target || typeof target !== "object") return [];
  const { target: merged } = mergeGuestTarget(target, config, env);
  const transport = merged.transport ?? "ssh";
  const failures: CheckFailure[] = [];
  if (transport !== "docker" && !merged.user) {
    failures.push({ property: `${input}.user`, reason: `transport ${transport} needs a user. ${userFix(input)}` });
  }
  // Kerberos may log in with a keytab or an existing ticket cache instead of a password.
  const kerberos = transport === "winrm" && merged.auth === "kerberos";
  if ((transport === "winrm" || transport === "guestops") && !merged.password && !kerberos) {
    const reason = `transport ${transport} needs a password. ${passwordFix(input)}`;
    failures.push({ property: `${input}.password`, reason });
  }
  return failures;
}

/** The target a step connects with: merged, complete, or a typed INVALID_INPUT before anything runs. */
export async function withGuestDefaults(
  target: GuestTarget,
  config: ProviderConfig,
  env = process.env,
  input = "target",
): Promise<GuestTarget> {
  const [missing] = guestTargetFailures(target, config, env, input);
  if (missing) {
    const field = missing.property.slice(input.length + 1);
    const fix = field === "user" ? userFix(input) : passwordFix(input);
    throw new PodError("INVALID_INPUT", `The guest target lacks ${field}.`, { fix });
  }
  const { target: merged, keyFile } = mergeGuestTarget(target, config, env);
  // vault: references (in the target or in pod:guest* / POD_GUEST_*) are read now, for this step only.
  const resolved = await withVspherePassword(await resolveTargetSecrets(merged, { config, env }), config, env);
  if (!keyFile) return resolved;
  // A key the user named is checked now: a too-open file is an error, as everywhere in pod.
  await checkKeyFilePermissions(keyFile);
  return { ...resolved, privateKey: await readFile(keyFile, "utf8") };
}

/**
 * A guestops target reaches the guest through vSphere with its own
 * connection block (or pod:vsphere* / POD_VSPHERE_* for what it omits); a
 * `vault:` reference as that password is read now, like the guest's own,
 * and lives in this step's copy of the target only.
 */
async function withVspherePassword(target: GuestTarget, config: ProviderConfig, env: NodeJS.ProcessEnv) {
  if ((target.transport ?? "ssh") !== "guestops") return target;
  const password = vspherePasswordOf(target.vsphere, config, env);
  if (!isVaultRef(password)) return target;
  const value = await resolveSecretText(password, { config, env });
  return { ...target, vsphere: { ...target.vsphere, password: value.reveal() } };
}
