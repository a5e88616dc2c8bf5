import { redact } from "./secret";

/**
 * Every error pod raises is a PodError: a stable `code` callers can switch on,
 * a message that says what went wrong, a `fix` that says what to do about it,
 * and `details` for the raw, layer-specific facts (vSphere fault name, guest
 * output, …). Secrets never go into any of these (see redact.ts).
 */
export const ERROR_CODES = [
  // input
  "INVALID_INPUT",
  "INVALID_ADDRESS",
  "GATEWAY_OUTSIDE_SUBNET",
  "INVALID_VLAN",
  /** A disk asked to be smaller than it is: vSphere never shrinks a virtual disk. */
  "DISK_SHRINK",
  // vSphere
  "NOT_FOUND",
  "INVALID_LOGIN",
  "NOT_AUTHENTICATED",
  "DUPLICATE_NAME",
  "INVALID_STATE",
  "IN_USE",
  "TASK_FAILED",
  "VSPHERE_FAULT",
  "UNSUPPORTED",
  // transport
  "TIMEOUT",
  /** The Pulumi engine cancelled the step (Ctrl-C reaching the provider plugin). */
  "CANCELLED",
  "UNREACHABLE",
  "TLS_UNTRUSTED",
  "HOST_KEY_MISMATCH",
  "HOST_KEY_UNKNOWN",
  /** A host certificate from a trusted CA that is not valid for this host now (expired, wrong principal, …). */
  "HOST_CERT_INVALID",
  "AUTH_FAILED",
  /** A Kerberos ticket (or another time-limited credential) is past its end time. */
  "CREDENTIALS_EXPIRED",
  "CONNECTION_LOST",
  "PROTOCOL_ERROR",
  "NTLM_DOWNGRADE",
  "UNSEALED_REPLY",
  "INTEGRITY_FAILED",
  /** A response, file or archive larger than the bound pod reads into memory. */
  "TOO_LARGE",
  // secret stores (Vault)
  /** A secret reference names a path, version or field the store does not have (deleted, destroyed, never written). */
  "SECRET_NOT_FOUND",
  /** The store refused: a revoked or expired token, a policy without read, a wrong AppRole secret id. */
  "SECRET_DENIED",
  // guest
  "OS_UNKNOWN",
  "COMMAND_FAILED",
  "INTERFACE_NOT_FOUND",
  "VLAN_UNSUPPORTED",
  "ADDRESS_IN_USE",
  "MANAGEMENT_INTERFACE",
  "APPLY_FAILED",
  "VERIFY_FAILED",
  // environments and ownership (issue 16)
  /** A Pulumi update of a pod environment failed (its output says why). */
  "DEPLOYMENT_FAILED",
  /** A vSphere object another stack created and owns: pod neither adopts nor changes it. */
  "OWNED_BY_OTHER",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PodErrorOptions {
  /** What the user should do about it, in one sentence. */
  fix?: string;
  /** Raw facts from the layer that failed; must not contain secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** True when retrying the same call may succeed (network blips). */
  transient?: boolean;
}

export class PodError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown>;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, options: PodErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PodError";
    this.code = code;
    this.fix = options.fix === undefined ? undefined : redact(options.fix);
    this.details = options.details ?? {};
    this.transient = options.transient ?? false;
  }

  /** One line for humans: "[CODE] message. Fix: …". */
  describe(): string {
    return `[${this.code}] ${this.message}${this.fix ? ` Fix: ${this.fix}` : ""}`;
  }
}

export function isPodError(error: unknown, code?: ErrorCode): error is PodError {
  return error instanceof PodError && (code === undefined || error.code === code);
}

/** Wraps anything thrown into a PodError, keeping PodErrors as they are. */
export function toPodError(error: unknown, code: ErrorCode = "INTERNAL"): PodError {
  if (error instanceof PodError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PodError(code, message, { cause: error });
}
