import type { z } from "zod";
import { type Path, underAny, unknownPaths } from "./unknowns";

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Validates inputs with a zod schema and returns Pulumi check failures, each
 * naming the property and what to fix. Problems under values that are still
 * unknown (preview) are not reported: they are checked again at `up`.
 */
export function checkInputs<S extends z.ZodType>(schema: S, inputs: unknown): CheckFailure[] {
  const result = schema.safeParse(inputs);
  if (result.success) return [];
  const unknown = unknownPaths(inputs);
  return result.error.issues
    .filter((issue) => !underAny(issue.path as Path, unknown))
    .map((issue) => ({ property: issue.path.join(".") || "(inputs)", reason: issue.message }));
}
