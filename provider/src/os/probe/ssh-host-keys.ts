/**
 * Reading a Linux guest's SSH host keys through an out-of-band channel
 * (VMware Tools), so SSH connections can pin them instead of trusting the
 * first key they see. Pure: a command to run and a parser of its output.
 */
import { createHash } from "node:crypto";

/**
 * Waits (bounded, ~30 s) for sshd's host keys to exist and be complete: a
 * guest reports its IP before its first boot has generated them, and
 * `ssh-keygen -A` writes them one type after the other, so while an
 * ssh-keygen runs the set may still lack the key sshd will offer (that
 * partial set, pinned, fails the first SSH connection with a host key
 * mismatch). Looks every 0.1 s; a look is a builtin read per process, no
 * fork. Stops at once when the guest has no sshd at all.
 */
export function sshHostKeysCommand(options: { dir?: string; proc?: string; looks?: number } = {}): string {
  const dir = options.dir ?? "/etc/ssh";
  const proc = options.proc ?? "/proc";
  return [
    "keygen_runs() {",
    `  for c in ${proc}/[0-9]*/comm; do`,
    '    n=; { read -r n <"$c"; } 2>/dev/null',
    '    [ "$n" = ssh-keygen ] && return 0',
    "  done",
    "  return 1",
    "}",
    "i=0",
    `while [ $i -lt ${options.looks ?? 300} ] && { ! ls ${dir}/ssh_host_*_key.pub >/dev/null 2>&1 || keygen_runs; }; do`,
    "  command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || break",
    "  i=$((i + 1)); sleep 0.1",
    "done",
    `cat ${dir}/ssh_host_*_key.pub 2>/dev/null`,
    "exit 0",
  ].join("\n");
}

export const SSH_HOST_KEYS_COMMAND = sshHostKeysCommand();

/** OpenSSH public key lines → "SHA256:…" fingerprints, as `ssh-keygen -l -E sha256` prints them. */
export function sshFingerprints(publicKeys: string): string[] {
  return publicKeys
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([type]) => /^(ssh-|ecdsa-|sk-)/.test(type ?? ""))
    .map(([, blob]) => blob)
    .filter((blob): blob is string => !!blob && /^[A-Za-z0-9+/]{16,}=*$/.test(blob))
    .map(
      (blob) =>
        `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`,
    );
}
