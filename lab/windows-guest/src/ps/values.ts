/**
 * PowerShell values as the interpreter holds them: JS primitives for
 * strings/numbers/booleans/$null, arrays, and a few classes for what
 * PowerShell prints and serializes specially (objects with ordered
 * properties, enums, versions, hashtables, script blocks, byte arrays).
 */
import type { Statement } from "./ast";

export type PSValue =
  | null
  | string
  | number
  | boolean
  | PSValue[]
  | PSObject
  | PSEnum
  | Hashtable
  | ScriptBlock
  | Buffer
  | TypeRef
  | PSMethodHost;

/** An object with ordered, case-insensitive properties and .NET-style type names. */
export class PSObject {
  readonly #props = new Map<string, { name: string; value: PSValue }>();
  /** The view Out-Default uses for this type (tables for up to four properties otherwise). */
  view?: "table" | "list";

  constructor(
    readonly typeNames: string[] = ["System.Management.Automation.PSCustomObject", "System.Object"],
    props: Record<string, PSValue> | [string, PSValue][] = {},
    /** Properties Out-Default shows when none are selected (the type's default display set). */
    readonly display?: string[],
    /** What [string] conversion of the object gives; defaults to PowerShell's "@{a=1; b=2}". */
    readonly text?: string,
  ) {
    for (const [k, v] of Array.isArray(props) ? props : Object.entries(props)) this.set(k, v);
  }

  get(name: string): PSValue | undefined {
    return this.#props.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.#props.has(name.toLowerCase());
  }

  set(name: string, value: PSValue): void {
    const key = name.toLowerCase();
    const existing = this.#props.get(key);
    this.#props.set(key, { name: existing?.name ?? name, value });
  }

  entries(): [string, PSValue][] {
    return [...this.#props.values()].map((p) => [p.name, p.value]);
  }

  get typeName(): string {
    return this.typeNames[0] ?? "System.Object";
  }
}

export class PSEnum {
  constructor(
    readonly type: string,
    readonly name: string,
    readonly value: number,
  ) {}
}

/** @{} literals: case-insensitive keys, kept in insertion order (as [ordered] would). */
export class Hashtable {
  readonly map = new Map<string, { key: PSValue; value: PSValue }>();

  constructor(readonly ordered = false) {}

  static keyOf(key: PSValue): string {
    return typeof key === "string" ? key.toLowerCase() : String(key);
  }

  get(key: PSValue): PSValue | undefined {
    return this.map.get(Hashtable.keyOf(key))?.value;
  }

  set(key: PSValue, value: PSValue): void {
    this.map.set(Hashtable.keyOf(key), { key, value });
  }

  entries(): [PSValue, PSValue][] {
    return [...this.map.values()].map((e) => [e.key, e.value]);
  }
}

export class ScriptBlock {
  constructor(
    readonly body: Statement[],
    readonly text: string,
    /** The source the body's offsets point into (for error positions). */
    readonly src: string,
  ) {}
}

/** A [Type] literal: casts, and static members through `::`. */
export class TypeRef {
  constructor(readonly name: string) {}
}

/** Something with methods but no printable state (e.g. [Console]::In, [Text.Encoding]::UTF8). */
export class PSMethodHost {
  constructor(
    readonly typeName: string,
    readonly methods: Record<string, (args: PSValue[]) => PSValue | Promise<PSValue>>,
  ) {}
}

export function version(major: number, minor: number, build = -1, revision = -1): PSObject {
  const parts = [major, minor, build, revision].filter((n) => n >= 0);
  return new PSObject(
    ["System.Version", "System.Object"],
    {
      Major: major,
      Minor: minor,
      Build: build,
      Revision: revision,
      MajorRevision: revision < 0 ? -1 : 0,
      MinorRevision: revision < 0 ? -1 : revision,
    },
    ["Major", "Minor", "Build", "Revision"],
    parts.join("."),
  );
}

export const isObjectLike = (v: PSValue): v is PSObject | Hashtable => v instanceof PSObject || v instanceof Hashtable;

/** PowerShell's [string] conversion (what string expansion and -join use). */
export function toText(v: PSValue | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return formatNumber(v);
  if (Array.isArray(v)) return v.map(toText).join(" ");
  if (v instanceof PSEnum) return v.name;
  if (v instanceof PSObject) {
    if (v.text !== undefined) return v.text;
    return `@{${v
      .entries()
      .map(([k, x]) => `${k}=${toText(x)}`)
      .join("; ")}}`;
  }
  if (v instanceof Hashtable) return "System.Collections.Hashtable";
  if (v instanceof ScriptBlock) return v.text;
  if (Buffer.isBuffer(v)) return [...v].join(" ");
  if (v instanceof TypeRef) return v.name;
  return v.typeName;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

/** PowerShell truthiness. */
export function isTrue(v: PSValue | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v.length > 0;
  if (Array.isArray(v)) return v.length === 0 ? false : v.length === 1 ? isTrue(v[0]) : true;
  if (v instanceof PSEnum) return v.value !== 0;
  return true;
}

/** Pipeline enumeration: arrays (and byte arrays) unroll one level; everything else is one item. */
export function enumerate(v: PSValue | undefined): PSValue[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  return [v];
}

/** How a pipeline result is stored: nothing → $null, one item → the item, more → an array. */
export function collapse(items: PSValue[]): PSValue {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0] ?? null;
  return items;
}

/** Reads a property the way `.Name` does: objects, hashtable keys, and a few built-in members. */
export function getMember(target: PSValue, name: string): PSValue | undefined {
  const lower = name.toLowerCase();
  if (target instanceof PSObject)
    return target.get(name) ?? (target.text !== undefined && lower === "length" ? target.text.length : undefined);
  if (target instanceof Hashtable) {
    if (target.get(name) !== undefined) return target.get(name);
    if (lower === "count") return target.map.size;
    if (lower === "keys") return target.entries().map(([k]) => k);
    if (lower === "values") return target.entries().map(([, v]) => v);
    return undefined;
  }
  if (Array.isArray(target)) {
    if (lower === "count" || lower === "length") return target.length;
    // Member enumeration (PowerShell 3+): the property of every element.
    const values = target.map((t) => getMember(t, name)).filter((x): x is PSValue => x !== undefined);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  }
  if (typeof target === "string" && lower === "length") return target.length;
  if (Buffer.isBuffer(target) && (lower === "length" || lower === "count")) return target.length;
  if (target instanceof PSEnum && lower === "value__") return target.value;
  if (target !== null && lower === "count") return 1;
  return undefined;
}
