import { PodError } from "../../../common/errors";

/**
 * MIT Kerberos' failures (kinit's stderr, GSS-API status text) as PodErrors
 * with their fix. The texts are MIT's own (com_err tables, LC_ALL=C).
 */
const FIX_PASSWORD = "Check the user name (user@REALM) and its password, or use a keytab.";

export function kinitError(error: Error, stderr: string, principal: string, source: string): PodError {
  const text = stderr.trim().replace(/^kinit:\s*/, "") || error.message;
  const details = { principal, source, kinit: text };
  if (/Password incorrect|Preauthentication failed/i.test(text)) {
    return new PodError("AUTH_FAILED", `The KDC refused the password of ${principal}.`, {
      fix: FIX_PASSWORD,
      details,
    });
  }
  if (/not found in Kerberos database/i.test(text)) {
    return new PodError("AUTH_FAILED", `The KDC does not know the principal ${principal}.`, {
      fix: "Check the user name and realm (user@REALM; realms are upper case).",
      details,
    });
  }
  if (/Cannot contact any KDC|Cannot find KDC|Cannot resolve/i.test(text)) {
    return new PodError("UNREACHABLE", `No KDC answered for ${principal}: ${text}.`, {
      fix: "Check the target's kerberos realm and kdc (host:port), or the krb5.conf it uses.",
      details,
      transient: true,
    });
  }
  if (/keytab|Key table/i.test(text)) {
    return new PodError("INVALID_INPUT", `The keytab for ${principal} is unusable: ${text}.`, {
      fix: "Check kerberos.keytab: the file must exist, be readable and hold keys of that principal (klist -k).",
      details,
    });
  }
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    return new PodError("UNSUPPORTED", "kinit (MIT Kerberos) is not installed.", {
      fix: "Install it (Debian: apt-get install krb5-user), or use an existing ticket cache.",
      details,
    });
  }
  return new PodError("AUTH_FAILED", `kinit for ${principal} failed: ${text}.`, { fix: FIX_PASSWORD, details });
}

/** A failed gss_init_sec_context (or a refused reply token) while authenticating to a WinRM service. */
export function gssInitError(error: Error, target: string, principal: string, spn: string): PodError {
  const text = error.message;
  const details = { principal, spn, gss: text };
  if (/expired/i.test(text)) {
    return new PodError("CREDENTIALS_EXPIRED", `The Kerberos ticket of ${principal} has expired (${target}).`, {
      fix: "Get a new ticket (kinit), or give the target a password or keytab so pod gets its own.",
      details,
      cause: error,
    });
  }
  if (
    /No Kerberos credentials|No credentials cache|credentials cache file .* not found|No credentials were supplied/i.test(
      text,
    )
  ) {
    return new PodError("AUTH_FAILED", `No Kerberos ticket for ${principal} to authenticate to ${target}.`, {
      fix: "Run kinit first, or give the target a password or keytab.",
      details,
      cause: error,
    });
  }
  if (/Server .* not found in Kerberos database/i.test(text)) {
    return new PodError("AUTH_FAILED", `The KDC has no service principal ${spn} for ${target}.`, {
      fix: "Set kerberos.spnHost to the host name the service is registered under (setspn -L <computer> on Windows).",
      details,
      cause: error,
    });
  }
  if (/Cannot contact any KDC|Cannot find KDC/i.test(text)) {
    return new PodError("UNREACHABLE", `No KDC answered while asking a ticket for ${spn}: ${text}.`, {
      fix: "Check the target's kerberos realm and kdc, or the krb5.conf it uses.",
      details,
      cause: error,
      transient: true,
    });
  }
  return new PodError("AUTH_FAILED", `Kerberos authentication to ${target} failed: ${text}.`, {
    fix: "Check the ticket (klist), the service principal (kerberos.spnHost) and the clocks of pod, the KDC and the guest.",
    details,
    cause: error,
  });
}
