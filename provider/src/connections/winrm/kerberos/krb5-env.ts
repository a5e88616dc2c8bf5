/**
 * MIT Kerberos reads its configuration (KRB5_CONFIG) and the credential
 * cache (KRB5CCNAME) from the environment when a call creates its krb5
 * context. pod's GSS calls are synchronous, so setting the variables around
 * one call gives each connection its own realm settings and ticket cache
 * without touching any other connection, and the process's own environment is
 * put back before anything else runs.
 */
export interface Krb5Env {
  KRB5_CONFIG?: string;
  KRB5CCNAME?: string;
}

export function withKrb5Env<T>(env: Krb5Env, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  try {
    return fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
