/**
 * Reading a Linux guest's SSH host keys through an out-of-band channel
 * (VMware Tools), so SSH connections can pin them instead of trusting the
 * first key they see. Pure: a command to run and a parser of its output.
 */
import { createHash } from "node:crypto";

/**
 * Waits (bounded, ~30 s) for sshd's host keys to exist: a guest reports its
 * IP before its first boot has generated them. Stops at once when the guest
 * has no sshd at all. Looks every 0.1 s (300 looks): the keys are usually
 * there within a second or two, and a look is a cheap ls.
 */
export const SSH_HOST_KEYS_COMMAND = [
  "i=0",
  "while [ $i -lt 300 ] && ! ls /etc/ssh/ssh_host_*_key.pub >/dev/null 2>&1; do",
  "  command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || break",
  "  i=$((i + 1)); sleep 0.1",
  "done",
  "cat /etc/ssh/ssh_host_*_key.pub 2>/dev/null",
  "exit 0",
].join("\n");

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
