import { z } from "zod";

/** The `kerberos` block of a WinRM target (auth: "kerberos"); see options.ts for each field. */
export const winrmKerberosSchema = z
  .object({
    spnHost: z
      .string()
      .min(1)
      .optional()
      .describe("Host part of the service principal HTTP/<spnHost>; default the target host."),
    realm: z
      .string()
      .regex(/^[A-Z0-9.-]+$/, "a Kerberos realm in upper case, e.g. CORP.EXAMPLE.COM")
      .optional()
      .describe("Realm for a user name without @REALM; with kdc, pod uses its own krb5.conf."),
    kdc: z.string().min(1).optional().describe('The realm\'s KDC, "host" or "host:port" (needs realm).'),
    krb5Config: z.string().min(1).optional().describe("A krb5.conf to use instead of KRB5_CONFIG or /etc/krb5.conf."),
    keytab: z.string().min(1).optional().describe("A keytab with the user's keys (instead of a password)."),
    ccache: z
      .string()
      .min(1)
      .optional()
      .describe("An existing ticket cache, used when there is no keytab or password; default KRB5CCNAME."),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.kdc && !k.realm) ctx.addIssue({ code: "custom", path: ["realm"], message: "kdc needs realm" });
  })
  .describe("WinRM Kerberos settings (auth: kerberos): realm/KDC, and a keytab or ticket cache instead of a password.");
