/**
 * How a server certificate (vSphere, a WinRM HTTPS listener) is trusted, resolved as a whole rather than
 * field by field: a pinned thumbprint (or a CA file) named by any source wins
 * over `insecure` from any other source, so POD_VSPHERE_INSECURE=true in the
 * environment can never cancel a resource's pin. One source that pins and
 * says insecure contradicts itself: that is an error, not a guess.
 */
import { readFileSync } from "node:fs";
import { PodError } from "../common/errors";
import type { TlsTrust } from "../common/tls";

/** One source's trust fields as it gave them (insecure: a boolean input, or a config/env string). */
export interface TrustSource {
  /** How messages name it: "the connection input", "stack config (pod:vsphere…)", "the environment (POD_VSPHERE_…)". */
  name: string;
  thumbprint?: string;
  caFile?: string;
  insecure?: boolean | string;
}

export const TRUST_FIELDS = ["thumbprint", "caFile", "insecure"] as const;

/** `insecure` as a boolean; "yes", "1" or "True" are refused rather than read as false or true. */
function insecureOf(source: TrustSource): boolean | undefined {
  const value = source.insecure;
  if (value === undefined || value === "") return undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new PodError("INVALID_INPUT", `insecure in ${source.name} is ${JSON.stringify(value)}, not true or false.`, {
    fix: 'Set it to "true" or "false" (or leave it unset: certificates are verified by default).',
    details: { source: source.name },
  });
}

const given = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);

/** Sources in the chain's order (explicit input first); see the module comment for the rule. */
export function resolveTlsTrust(sources: TrustSource[]): TlsTrust {
  let thumbprint: string | undefined;
  let caFile: string | undefined;
  let insecure: boolean | undefined;
  for (const source of sources) {
    const pin = given(source.thumbprint);
    const ca = given(source.caFile);
    const skip = insecureOf(source);
    if (skip && (pin || ca)) {
      throw new PodError(
        "INVALID_INPUT",
        `${source.name} both pins the server certificate (${pin ? "thumbprint" : "caFile"}) and sets insecure: true.`,
        {
          fix: "Keep the pin (the certificate is then checked against it) and drop insecure, or drop the pin if you really mean to skip verification in a lab.",
          details: { source: source.name },
        },
      );
    }
    thumbprint ??= pin;
    caFile ??= ca;
    insecure ??= skip;
  }
  if (thumbprint) return { thumbprint };
  if (caFile) return { ca: readCa(caFile) };
  return insecure === true ? { insecure: true } : {};
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new PodError("INVALID_INPUT", `Cannot read the CA file ${file}: ${(error as Error).message}.`, {
      fix: "Point caFile (for vSphere also pod:vsphereCaFile, POD_VSPHERE_CA_FILE) at a readable PEM file.",
    });
  }
}
