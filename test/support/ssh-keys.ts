import { utils } from "ssh2";

type KeyOptions = { comment?: string; passphrase?: string; cipher?: string; rounds?: number };

/**
 * ssh2's generateKeyPairSync("ed25519") writes about one key in a hundred
 * with a 31-byte public key (it drops a leading zero byte), which neither
 * ssh2 nor ssh-keygen can load. Tests use keys that parse: generate again.
 */
export function ed25519KeyPair(options: KeyOptions = {}): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519", options);
    if (!(utils.parseKey(pair.private, options.passphrase) instanceof Error)) return pair;
  }
}
