/**
 * Codes that mean the guest cannot be reached now: powered off, gone, or its network down. A host key
 * mismatch counts too: something else answers at the guest's address (a guest removed out of band, its
 * address handed to another machine); pod refused it before authenticating, and refresh or a non-strict
 * destroy reports it instead of failing.
 */
const GUEST_UNREACHABLE = ["UNREACHABLE", "TIMEOUT", "CONNECTION_LOST", "NOT_FOUND", "HOST_KEY_MISMATCH"];

/** A PodError (or a resource's one-line error that keeps its code) saying the guest cannot be reached. */
export function isGuestUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && GUEST_UNREACHABLE.includes(code);
}
