import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SSH_HOST_KEYS_COMMAND, sshFingerprints, sshHostKeysCommand } from "./ssh-host-keys";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPu0IbkEKVIb0sHwAvuRBGnwxFWsfzE+pL4/SAIo3ojJ root@x";

describe("ssh host key fingerprints", () => {
  it("computes OpenSSH SHA256 fingerprints of public key lines and skips junk", () => {
    // `ssh-keygen -l -E sha256` prints this fingerprint for that key.
    const fingerprints = sshFingerprints(`${KEY}\nnot a key\n\n`);
    assert.deepEqual(fingerprints, ["SHA256:1b71bPoGPTqvaMjuCE6Hzn7E5+9BtoVMw9PxGCqC9i8"]);
  });
});

describe("ssh host key read (run by a local sh on a fake /etc/ssh and /proc)", () => {
  let root: string;
  const run = (comm: string, looks: number) => {
    writeFileSync(join(root, "proc", "1", "comm"), `${comm}\n`);
    const dir = join(root, "ssh");
    return execFileSync("/bin/sh", ["-c", sshHostKeysCommand({ dir, proc: join(root, "proc"), looks })], {
      encoding: "utf8",
    });
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "pod-hostkeys-"));
    mkdirSync(join(root, "ssh"));
    mkdirSync(join(root, "proc", "1"), { recursive: true });
    writeFileSync(join(root, "ssh", "ssh_host_ed25519_key.pub"), `${KEY}\n`);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("is valid sh", () => {
    assert.doesNotThrow(() => execFileSync("/bin/sh", ["-n", "-c", SSH_HOST_KEYS_COMMAND]));
  });

  it("prints the keys when they exist and no ssh-keygen runs", () => {
    assert.equal(run("sshd", 300).trim(), KEY);
  });

  it("still prints what exists once its looks are used up while an ssh-keygen runs (bounded)", () => {
    assert.equal(run("ssh-keygen", 2).trim(), KEY);
  });
});
