/**
 * Kerberos settings of a WinRM target (auth: "kerberos"). Credentials, in
 * this order: a keytab (`keytab`), the password (pod runs kinit into a
 * private ticket cache, the password on kinit's stdin), or, with neither, an
 * existing ticket cache (`ccache`, else the user's KRB5CCNAME/default cache).
 */
export interface KerberosOptions {
  /** The service principal is HTTP/<spnHost>; default the target host (pywinrm: kerberos_hostname_override). */
  spnHost?: string;
  /** The realm of a user name without "@REALM"; with `kdc`, pod writes its own krb5.conf for the connection. */
  realm?: string;
  /** "host" or "host:port" of the realm's KDC (needs `realm`). */
  kdc?: string;
  /** A krb5.conf to use instead of KRB5_CONFIG / /etc/krb5.conf (ignored when realm + kdc are given). */
  krb5Config?: string;
  /** A keytab holding the user's keys. */
  keytab?: string;
  /** An existing credential cache ("FILE:/tmp/krb5cc_1000", "KEYRING:…"); used when no keytab or password. */
  ccache?: string;
}

/** "user@REALM" as given, else "user" + the realm (DOMAIN\\user becomes user@DOMAIN, as Windows maps it). */
export function principalOf(username: string, realm?: string): string {
  const slash = username.indexOf("\\");
  if (slash >= 0) return `${username.slice(slash + 1)}@${username.slice(0, slash).toUpperCase()}`;
  if (username.includes("@") || !realm) return username;
  return `${username}@${realm}`;
}

/** A minimal krb5.conf for one realm and its KDC, with no DNS lookups (pod never asks DNS for the realm). */
export function krb5ConfFor(realm: string, kdc: string): string {
  return [
    "[libdefaults]",
    `  default_realm = ${realm}`,
    "  dns_lookup_kdc = false",
    "  dns_lookup_realm = false",
    "  dns_canonicalize_hostname = false",
    "  rdns = false",
    "  udp_preference_limit = 1",
    "[realms]",
    `  ${realm} = {`,
    `    kdc = ${kdc}`,
    "  }",
    "",
  ].join("\n");
}
