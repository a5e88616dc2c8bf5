/**
 * How long to wait before the next look when a protocol offers no event to
 * wait on (a guest process's end through ListProcessesInGuest, a port that
 * is not listening yet). Most such waits end within a few hundred
 * milliseconds, so a fixed interval mostly adds its own length to every
 * wait: the looks start quick and double up to `maxMs`, which bounds the
 * load a long wait puts on the peer as the fixed interval did.
 */
export interface PollSchedule {
  /** The first delay (default 25 ms, never above maxMs). */
  firstMs?: number;
  /** The longest delay between two looks. */
  maxMs: number;
}

/** The delay before look `attempt + 1` (attempt counts from 0), capped by what is left until `remainingMs`. */
export function pollDelay(attempt: number, schedule: PollSchedule, remainingMs = Number.POSITIVE_INFINITY): number {
  const max = Math.max(0, schedule.maxMs);
  const first = Math.min(schedule.firstMs ?? 25, max);
  const delay = Math.min(max, first * 2 ** Math.max(0, attempt));
  return Math.max(0, Math.min(delay, remainingMs));
}
