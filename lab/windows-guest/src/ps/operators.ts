import { ErrorRecord, PSRuntimeError } from "./errors";
import { enumerate, Hashtable, isTrue, PSEnum, PSObject, type PSValue, ScriptBlock, toText, version } from "./values";

/**
 * PowerShell's operators and conversions for the subset: the left operand
 * decides how the right one is converted; string comparisons are
 * case-insensitive unless the operator has the `c` prefix; an array on the
 * left filters (`@(1,2,3) -gt 1` is `2,3`).
 */
const fail = (message: string, errorId: string, exception = "RuntimeException"): never => {
  throw new PSRuntimeError(
    new ErrorRecord(message, { exception, category: "InvalidArgument", errorId, noPrefix: true }),
  );
};

export function toNumber(v: PSValue, type = "System.Int32"): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === null) return 0;
  if (v instanceof PSEnum) return v.value;
  const text = toText(v).trim();
  if (text === "") return 0;
  const n = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : Number(text);
  if (Number.isNaN(n)) {
    return fail(
      `Cannot convert value "${toText(v)}" to type "${type}". Error: "Input string was not in a correct format."`,
      "InvalidCastFromStringToInteger",
    );
  }
  return n;
}

/** .NET rounds to even when converting a fraction to an integer ([int]2.5 is 2). */
const bankers = (n: number): number => {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

const TYPE_ALIASES: Record<string, string> = {
  int: "int",
  int32: "int",
  long: "int",
  int64: "int",
  uint32: "int",
  byte: "int",
  int16: "int",
  double: "double",
  single: "double",
  float: "double",
  decimal: "double",
  string: "string",
  bool: "bool",
  boolean: "bool",
  switch: "bool",
  array: "array",
  "object[]": "array",
  "string[]": "string[]",
  "int[]": "int[]",
  "byte[]": "byte[]",
  pscustomobject: "pscustomobject",
  "management.automation.pscustomobject": "pscustomobject",
  psobject: "pscustomobject",
  hashtable: "hashtable",
  "collections.hashtable": "hashtable",
  ordered: "ordered",
  version: "version",
  ipaddress: "ipaddress",
  "net.ipaddress": "ipaddress",
  scriptblock: "scriptblock",
  object: "object",
  void: "void",
};

export function normalizeType(name: string): string | undefined {
  const n = name.toLowerCase().replace(/^system\./, "");
  return TYPE_ALIASES[n];
}

export function convertTo(typeName: string, v: PSValue): PSValue {
  const type = normalizeType(typeName);
  switch (type) {
    case "int":
      return bankers(toNumber(v));
    case "double":
      return toNumber(v, "System.Double");
    case "string":
      return v === null ? "" : toText(v);
    case "bool":
      return isTrue(v);
    case "array":
    case "object":
      return type === "array" ? enumerate(v) : v;
    case "string[]":
      return enumerate(v).map((x) => toText(x));
    case "int[]":
      return enumerate(v).map((x) => bankers(toNumber(x)));
    case "byte[]":
      return Buffer.isBuffer(v) ? v : Buffer.from(enumerate(v).map((x) => toNumber(x) & 0xff));
    case "pscustomobject":
    case "ordered":
      if (v instanceof Hashtable) {
        if (type === "ordered") return v;
        return new PSObject(
          undefined,
          v.entries().map(([k, x]) => [toText(k), x] as [string, PSValue]),
        );
      }
      return v;
    case "hashtable":
      if (v instanceof Hashtable) return v;
      return fail(
        `Cannot convert value "${toText(v)}" to type "System.Collections.Hashtable".`,
        "ConvertToFinalInvalidCastException",
      );
    case "version": {
      const parts = toText(v)
        .split(".")
        .map((p) => Number(p));
      if (parts.length < 2 || parts.length > 4 || parts.some((p) => !Number.isInteger(p) || p < 0)) {
        return fail(
          `Cannot convert value "${toText(v)}" to type "System.Version".`,
          "InvalidCastParseTargetInvocation",
        );
      }
      return version(parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? -1, parts[3] ?? -1);
    }
    case "ipaddress": {
      const text = toText(v);
      if (!isIPv4(text))
        return fail(
          `Cannot convert value "${text}" to type "System.Net.IPAddress". Error: "An invalid IP address was specified."`,
          "InvalidCastParseTargetInvocation",
        );
      return text;
    }
    case "scriptblock":
      return v instanceof ScriptBlock
        ? v
        : fail(
            `Cannot convert the "${toText(v)}" value of type "System.String" to type "System.Management.Automation.ScriptBlock".`,
            "ConvertToFinalInvalidCastException",
          );
    case "void":
      return null;
    default:
      return fail(`Unable to find type [${typeName}].`, "TypeNotFound");
  }
}

export const isIPv4 = (text: string): boolean =>
  /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split(".").every((p) => Number(p) <= 255);

export function likeRegex(pattern: string, caseSensitive = false): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "`" && i + 1 < pattern.length) re += escapeRe(pattern[++i] ?? "");
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += `[${pattern.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, caseSensitive ? "s" : "is");
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** -eq semantics for two scalars (the left side chooses the conversion). */
export function equals(left: PSValue, right: PSValue, caseSensitive = false): boolean {
  if (left === null || right === null) return left === right;
  if (typeof left === "number" || left instanceof PSEnum) {
    const l = left instanceof PSEnum ? left.value : left;
    if (right instanceof PSEnum)
      return l === right.value || (left instanceof PSEnum && left.name.toLowerCase() === right.name.toLowerCase());
    if (left instanceof PSEnum && typeof right === "string")
      return left.name.toLowerCase() === right.toLowerCase() || String(left.value) === right;
    const r = typeof right === "number" ? right : Number(toText(right));
    return !Number.isNaN(r) && l === r;
  }
  if (typeof left === "boolean") return left === isTrue(right);
  if (typeof left === "string") {
    const r = toText(right);
    return caseSensitive ? left === r : left.toLowerCase() === r.toLowerCase();
  }
  return left === right;
}

function order(left: PSValue, right: PSValue, caseSensitive: boolean): number {
  if (typeof left === "number" || left instanceof PSEnum) {
    const l = left instanceof PSEnum ? left.value : left;
    return l - toNumber(right);
  }
  const l = caseSensitive ? toText(left) : toText(left).toLowerCase();
  const r = caseSensitive ? toText(right) : toText(right).toLowerCase();
  return l < r ? -1 : l > r ? 1 : 0;
}

export interface MatchResult {
  matched: boolean;
  groups?: Hashtable;
}

/** Scalar comparison; returns a boolean (or the -replace/-split/-join result). */
export function compareScalar(
  base: string,
  cs: boolean,
  left: PSValue,
  right: PSValue,
  onMatch?: (groups: Hashtable) => void,
): PSValue {
  switch (base) {
    case "eq":
      return equals(left, right, cs);
    case "ne":
      return !equals(left, right, cs);
    case "gt":
      return order(left, right, cs) > 0;
    case "ge":
      return order(left, right, cs) >= 0;
    case "lt":
      return order(left, right, cs) < 0;
    case "le":
      return order(left, right, cs) <= 0;
    case "like":
      return likeRegex(toText(right), cs).test(toText(left));
    case "notlike":
      return !likeRegex(toText(right), cs).test(toText(left));
    case "match":
    case "notmatch": {
      const m = new RegExp(toText(right), cs ? "" : "i").exec(toText(left));
      if (m && onMatch) {
        const groups = new Hashtable();
        m.forEach((g, i) => {
          if (g !== undefined) groups.set(i, g);
        });
        onMatch(groups);
      }
      return base === "match" ? !!m : !m;
    }
    default:
      return fail(`The operator '-${base}' is not supported by this guest.`, "OperatorNotSupported");
  }
}

export function binary(op: string, left: PSValue, right: PSValue, onMatch?: (groups: Hashtable) => void): PSValue {
  const base = op.replace(
    /^[ci](?=(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split)$)/,
    "",
  );
  const cs = op !== base && op.startsWith("c");
  switch (base) {
    case "and":
      return isTrue(left) && isTrue(right);
    case "or":
      return isTrue(left) || isTrue(right);
    case "xor":
      return isTrue(left) !== isTrue(right);
    case "contains":
      return enumerate(left).some((x) => equals(x, right, cs));
    case "notcontains":
      return !enumerate(left).some((x) => equals(x, right, cs));
    case "in":
      return enumerate(right).some((x) => equals(x, left, cs));
    case "notin":
      return !enumerate(right).some((x) => equals(x, left, cs));
    case "replace": {
      const [pattern, replacement] = Array.isArray(right) ? right : [right, ""];
      const re = new RegExp(toText(pattern ?? ""), cs ? "g" : "gi");
      const apply = (x: PSValue) => toText(x).replace(re, toText(replacement ?? ""));
      return Array.isArray(left) ? left.map(apply) : apply(left);
    }
    case "split":
      return toText(left).split(new RegExp(toText(right), cs ? "" : "i"));
    case "join":
      return enumerate(left).map(toText).join(toText(right));
    case "is":
    case "isnot": {
      const type = normalizeType(toText(right)) ?? toText(right).toLowerCase();
      const is =
        (type === "string" && typeof left === "string") ||
        ((type === "int" || type === "double") && typeof left === "number") ||
        (type === "bool" && typeof left === "boolean") ||
        (type === "array" && Array.isArray(left)) ||
        (type === "hashtable" && left instanceof Hashtable) ||
        (type === "pscustomobject" && left instanceof PSObject) ||
        (type === "object" && left !== null);
      return base === "is" ? is : !is;
    }
    case "as":
      try {
        return convertTo(toText(right), left);
      } catch {
        return null;
      }
    case "f":
      return formatOperator(toText(left), enumerate(right));
    case "+":
      return add(left, right);
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(base, left, right);
  }
  if (Array.isArray(left)) return left.filter((x) => isTrue(compareScalar(base, cs, x, right, onMatch)));
  return compareScalar(base, cs, left, right, onMatch);
}

function add(left: PSValue, right: PSValue): PSValue {
  if (Array.isArray(left)) return [...left, ...enumerate(right)];
  if (left === null) return right;
  if (typeof left === "string") return left + toText(right);
  if (left instanceof Hashtable && right instanceof Hashtable) {
    const out = new Hashtable();
    for (const [k, v] of [...left.entries(), ...right.entries()]) out.set(k, v);
    return out;
  }
  return toNumber(left) + toNumber(right);
}

function arithmetic(op: string, left: PSValue, right: PSValue): PSValue {
  if (op === "*" && typeof left === "string") return left.repeat(Math.max(0, toNumber(right)));
  if (op === "*" && Array.isArray(left)) return Array.from({ length: Math.max(0, toNumber(right)) }, () => left).flat();
  const l = toNumber(left);
  const r = toNumber(right);
  if ((op === "/" || op === "%") && r === 0) {
    return fail("Attempted to divide by zero.", "RuntimeException");
  }
  return op === "-" ? l - r : op === "*" ? l * r : op === "/" ? l / r : l % r;
}

/** "{0} and {1,5}" -f a, b (alignment supported; format specifiers beyond N/D are ignored). */
function formatOperator(format: string, args: PSValue[]): string {
  return format.replace(
    /\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}/g,
    (all, index?: string, align?: string, spec?: string) => {
      if (all === "{{") return "{";
      if (all === "}}") return "}";
      const value = args[Number(index)] ?? null;
      let text = toText(value);
      if (spec && typeof value === "number") {
        const digits = Number(spec.slice(1) || (spec[0]?.toUpperCase() === "N" ? 2 : 0));
        if (/^n/i.test(spec))
          text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
        else if (/^d/i.test(spec)) text = String(Math.trunc(value)).padStart(digits, "0");
      }
      const width = Number(align ?? 0);
      return width < 0 ? text.padEnd(-width) : text.padStart(width);
    },
  );
}
