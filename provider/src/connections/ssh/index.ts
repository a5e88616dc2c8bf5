export { checkKeyFilePermissions, parsePrivateKey, resolveAuth, type SshAuthOptions } from "./auth";
export { ChannelNotOpened, execOnChannel } from "./channel-exec";
export {
  createHostKeyVerifier,
  type HostKeyOptions,
  type HostKeyPolicy,
  keyTypeOf,
  normalizeFingerprint,
  sha256Fingerprint,
} from "./host-key";
export {
  HOST_KEY_POLICIES,
  hostKeyPolicySchema,
  parseHostKeyPolicy,
  podKnownHostsFile,
  resolveHostKeyPolicy,
} from "./host-key-policy";
export { hostPatternsMatch, knownHostName, lookupKnownHost, parseKnownHosts } from "./known-hosts";
export type { CommandWrapper, SshConnectionOptions, SshSessionMode } from "./options";
export { SshPool } from "./pool";
export { DEFAULT_POOL_LIMITS, type PoolLimits, type PoolStats } from "./pool-limits";
export { SshConnection } from "./ssh-connection";
