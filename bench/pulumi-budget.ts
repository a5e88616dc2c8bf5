/**
 * The Pulumi cost curve's wall-clock budget (pure, unit-tested): before a
 * size starts, it is estimated from the previous size: its up→destroy cycles
 * (the timed ups and destroys, which create and delete every guest) scaled
 * linearly with N, plus the rest of its wall time (warm-up, previews, no-op
 * ups, preparing and checks) as it was. Up grew a little less than linearly
 * in earlier runs (10→50 guests: 3.5x), so the estimate errs long: the curve
 * stops rather than overrun a quiet-machine window.
 */

export interface SizeTime {
  n: number;
  /** Everything the size took, untimed steps included. */
  wallMs: number;
  /** Of which the timed ups and destroys. */
  cyclesMs: number;
}

/** The estimated wall time of size n, from the last size measured (undefined before the first). */
export function estimateMs(previous: SizeTime | undefined, n: number): number | undefined {
  if (!previous || previous.n <= 0) return undefined;
  return (previous.cyclesMs * n) / previous.n + (previous.wallMs - previous.cyclesMs);
}

export interface BudgetDecision {
  fits: boolean;
  estimateMin?: number;
  leftMin: number;
}

/** Whether size n fits what is left of the budget; the first size always runs (there is nothing to scale). */
export function fitsBudget(
  previous: SizeTime | undefined,
  n: number,
  budgetMin: number,
  usedMs: number,
): BudgetDecision {
  const leftMin = budgetMin - usedMs / 60_000;
  const estimate = estimateMs(previous, n);
  if (estimate === undefined) return { fits: true, leftMin };
  const estimateMin = estimate / 60_000;
  return { fits: estimateMin <= leftMin, estimateMin, leftMin };
}

/** Memory the guests took at the largest size reached, and what the machine had left then. */
export interface GuestMemory {
  n: number;
  guestBytes: number;
  availableBytes: number;
}

const MB = 1024 * 1024;
const min1 = (m: number) => m.toFixed(1);

/** One sentence on guest memory: per guest, what the largest size of the curve would need, what is available. */
export function memoryNote(memory: GuestMemory | undefined, largest: number): string {
  if (!memory || memory.n <= 0) return "guest memory not measured";
  const perGuest = memory.guestBytes / memory.n;
  const need = perGuest * largest;
  const fits = need <= memory.availableBytes ? "would fit" : "would not fit";
  return (
    `guest containers ${min1(perGuest / MB)} MB each (docker stats at ${memory.n} guests), ` +
    `${largest} guests ≈ ${Math.round(need / MB)} MB: ${fits} in the ${Math.round(memory.availableBytes / MB)} MB available then`
  );
}

/** The curve's closing note: where it stopped and why, or that every size ran. */
export function stopNote(
  stop: { n: number; decision: BudgetDecision } | undefined,
  budgetMin: number,
  usedMs: number,
  ran: number[],
): string {
  if (!stop) return `every size ran (${ran.join(", ")} guests) in ${min1(usedMs / 60_000)} of ${budgetMin} min`;
  const { n, decision } = stop;
  return (
    `stopped before ${n} guests: estimated ${min1(decision.estimateMin ?? 0)} min, ` +
    `budget ${min1(Math.max(0, decision.leftMin))} min left of ${budgetMin} (BENCH_PULUMI_BUDGET_MIN)`
  );
}
