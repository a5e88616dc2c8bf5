import { ErrorRecord, PSRuntimeError } from "./errors";
import type { Interpreter } from "./interpreter";
import { equals, toNumber } from "./operators";
import {
  enumerate,
  Hashtable,
  PSEnum,
  PSMethodHost,
  PSObject,
  type PSValue,
  ScriptBlock,
  TypeRef,
  toText,
} from "./values";

/** Instance methods the subset knows: the common String ones, ToString/GetType, and a few collection ones. */
function typeNameOf(v: PSValue): string {
  if (typeof v === "string") return "System.String";
  if (typeof v === "number") return Number.isInteger(v) ? "System.Int32" : "System.Double";
  if (typeof v === "boolean") return "System.Boolean";
  if (Array.isArray(v)) return "System.Object[]";
  if (Buffer.isBuffer(v)) return "System.Byte[]";
  if (v instanceof Hashtable) return "System.Collections.Hashtable";
  if (v instanceof PSObject) return v.typeName;
  if (v instanceof PSEnum) return v.type;
  if (v instanceof ScriptBlock) return "System.Management.Automation.ScriptBlock";
  if (v instanceof PSMethodHost) return v.typeName;
  if (v instanceof TypeRef) return v.name;
  return "System.Object";
}

export function methodNotFound(target: PSValue, name: string): PSRuntimeError {
  return new PSRuntimeError(
    new ErrorRecord(
      `Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${name}'.`,
      {
        exception: "RuntimeException",
        category: "InvalidOperation",
        errorId: "MethodNotFound",
        noPrefix: true,
      },
    ),
  );
}

const trimChars = (s: string, chars: string | undefined, start: boolean, end: boolean): string => {
  const set = chars === undefined ? null : new Set(chars);
  const keep = (c: string) => (set ? !set.has(c) : !/\s/.test(c));
  let a = 0;
  let b = s.length;
  if (start) while (a < b && !keep(s[a] ?? "")) a++;
  if (end) while (b > a && !keep(s[b - 1] ?? "")) b--;
  return s.slice(a, b);
};

export async function callMethod(
  interp: Interpreter,
  target: PSValue,
  name: string,
  args: PSValue[],
): Promise<PSValue> {
  const m = name.toLowerCase();
  const arg = (i: number): string => toText(args[i] ?? null);
  if (target instanceof PSMethodHost) {
    const fn = Object.entries(target.methods).find(([k]) => k.toLowerCase() === m)?.[1];
    if (!fn) throw methodNotFound(target, name);
    return fn(args);
  }
  if (m === "tostring" && args.length === 0) return toText(target);
  if (m === "gettype") {
    const full = typeNameOf(target);
    return new PSObject(
      ["System.RuntimeType"],
      { Name: full.split(".").pop() ?? full, FullName: full },
      ["Name", "FullName"],
      full,
    );
  }
  if (target instanceof ScriptBlock && m === "invoke") return interp.invokeBlock(target);
  if (typeof target === "string") {
    const s = target;
    switch (m) {
      case "trim":
        return trimChars(s, args.length ? args.map(toText).join("") : undefined, true, true);
      case "trimstart":
        return trimChars(s, args.length ? args.map(toText).join("") : undefined, true, false);
      case "trimend":
        return trimChars(s, args.length ? args.map(toText).join("") : undefined, false, true);
      case "toupper":
      case "toupperinvariant":
        return s.toUpperCase();
      case "tolower":
      case "tolowerinvariant":
        return s.toLowerCase();
      case "split":
        return s.split(
          new RegExp(
            `[${args
              .map(toText)
              .join("")
              .replace(/[\]\\^-]/g, "\\$&")}]`,
          ),
        );
      case "replace":
        return s.split(arg(0)).join(arg(1));
      case "startswith":
        return s.toLowerCase().startsWith(arg(0).toLowerCase()) && s.startsWith(arg(0));
      case "endswith":
        return s.endsWith(arg(0));
      case "contains":
        return s.includes(arg(0));
      case "indexof":
        return s.indexOf(arg(0));
      case "substring":
        return args.length > 1
          ? s.substr(toNumber(args[0] ?? 0), toNumber(args[1] ?? 0))
          : s.slice(toNumber(args[0] ?? 0));
      case "padleft":
        return s.padStart(toNumber(args[0] ?? 0), args[1] === undefined ? " " : arg(1));
      case "padright":
        return s.padEnd(toNumber(args[0] ?? 0), args[1] === undefined ? " " : arg(1));
      case "equals":
        return s === arg(0);
    }
  }
  if (Array.isArray(target)) {
    if (m === "contains") return target.some((x) => equals(x, args[0] ?? null, true));
    if (m === "indexof") return target.findIndex((x) => equals(x, args[0] ?? null, true));
  }
  if (target instanceof Hashtable) {
    if (m === "containskey" || m === "contains") return target.get(args[0] ?? null) !== undefined;
    if (m === "add") {
      target.set(args[0] ?? null, args[1] ?? null);
      return null;
    }
    if (m === "remove") {
      target.map.delete(Hashtable.keyOf(args[0] ?? null));
      return null;
    }
  }
  if (m === "foreach" && args[0] instanceof ScriptBlock) {
    const out: PSValue[] = [];
    for (const item of enumerate(target)) out.push(...(await interp.invokeBlock(args[0], item)));
    return out;
  }
  if (m === "where" && args[0] instanceof ScriptBlock) {
    const out: PSValue[] = [];
    for (const item of enumerate(target)) {
      const r = await interp.invokeBlock(args[0], item);
      if (r.some((x) => x !== null && x !== false && x !== 0 && x !== "")) out.push(item);
    }
    return out;
  }
  throw methodNotFound(target, name);
}
