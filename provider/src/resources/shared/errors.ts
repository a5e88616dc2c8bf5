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

export { isGuestUnreachable } from "../../execution/unreachable";
export { PodError };
