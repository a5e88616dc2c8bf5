/**
 * During `pulumi preview` inputs that depend on other resources' outputs
 * arrive as this sentinel string, whatever their type. check and diff must
 * tolerate it and never act on it.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Path = (string | number)[];

/** Paths of every unknown value inside `value`. */
export function unknownPaths(value: unknown, path: Path = []): Path[] {
  if (value === UNKNOWN) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, [...path, k]));
  }
  return [];
}

export const hasUnknowns = (value: unknown): boolean => unknownPaths(value).length > 0;

/** True when `path` is at or below one of `prefixes`. */
export function underAny(path: Path, prefixes: Path[]): boolean {
  return prefixes.some((p) => p.every((segment, i) => path[i] === segment));
}
