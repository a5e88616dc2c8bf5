/** Codes that mean the guest cannot be reached now: powered off, gone, or its network down. */
const GUEST_UNREACHABLE = ["UNREACHABLE", "TIMEOUT", "CONNECTION_LOST", "NOT_FOUND"];

/** A PodError (or a resource's one-line error that keeps its code) saying the guest cannot be reached. */
export function isGuestUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && GUEST_UNREACHABLE.includes(code);
}
