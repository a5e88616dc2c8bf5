import assert from "node:assert/strict";
import { sshFingerprints } from "./ssh-host-keys";

describe("ssh host key fingerprints", () => {
  it("computes OpenSSH SHA256 fingerprints of public key lines and skips junk", () => {
    // `ssh-keygen -l -E sha256` prints this fingerprint for that key.
    const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPu0IbkEKVIb0sHwAvuRBGnwxFWsfzE+pL4/SAIo3ojJ root@x";
    const fingerprints = sshFingerprints(`${line}\nnot a key\n\n`);
    assert.deepEqual(fingerprints, ["SHA256:1b71bPoGPTqvaMjuCE6Hzn7E5+9BtoVMw9PxGCqC9i8"]);
  });
});
