import { PodError, toPodError } from "../../common/errors";
import { redact } from "../../common/secret";

/**
 * Turns whatever a CRUD step threw into one readable line for `pulumi up`:
 * the resource, the code, what happened and the fix — not a stack trace.
 */
export function resourceError(resource: string, action: string, error: unknown): Error {
  const e = toPodError(error);
  // The PodError stays reachable as `cause` (code, fix, details) for programs that catch it.
  const out = new Error(redact(`${resource}: ${action} failed: ${e.describe()}`), { cause: e });
  out.stack = out.message; // Pulumi prints the stack; keep it to the message.
  return Object.assign(out, { code: e.code });
}

/**
 * Codes that mean the guest cannot be reached now: powered off, gone, or its network down. A host key
 * mismatch counts too: something else answers at the guest's address (a guest removed out of band, its
 * address handed to another machine); pod refused it before authenticating, and refresh or a non-strict
 * destroy reports it instead of failing.
 */
const GUEST_UNREACHABLE = ["UNREACHABLE", "TIMEOUT", "CONNECTION_LOST", "NOT_FOUND", "HOST_KEY_MISMATCH"];

/** A PodError, or resourceError's line, that says the guest cannot be reached. */
export function isGuestUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && GUEST_UNREACHABLE.includes(code);
}

export { PodError };
