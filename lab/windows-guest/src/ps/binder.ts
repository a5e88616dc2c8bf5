import type { CommandArg, Extent } from "./ast";
import { ErrorRecord, PSRuntimeError } from "./errors";
import { toNumber } from "./operators";
import { enumerate, isTrue, type PSValue, ScriptBlock, toText } from "./values";

/**
 * Parameter binding as PowerShell does it for the subset: named parameters
 * by full name, alias or unambiguous prefix (case-insensitive), `-Switch` and
 * `-Switch:$false`, then positional values; common parameters are accepted
 * by every cmdlet. Errors carry PowerShell's messages and error ids.
 */
export type ParamType = "switch" | "string" | "int" | "strings" | "ints" | "any" | "block";

export interface ParamSpec {
  name: string;
  type?: ParamType;
  aliases?: string[];
  position?: number;
  /** ValidateSet / enum names (compared case-insensitively; the canonical spelling is bound). */
  set?: string[];
  /** .NET type named in conversion errors. */
  typeName?: string;
}

const COMMON: ParamSpec[] = [
  {
    name: "ErrorAction",
    aliases: ["ea"],
    set: ["SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend"],
  },
  { name: "WarningAction", aliases: ["wa"] },
  { name: "InformationAction", aliases: ["infa"] },
  { name: "ErrorVariable", aliases: ["ev"] },
  { name: "WarningVariable", aliases: ["wv"] },
  { name: "OutVariable", aliases: ["ov"] },
  { name: "OutBuffer", aliases: ["ob"] },
  { name: "Verbose", aliases: ["vb"], type: "switch" },
  { name: "Debug", aliases: ["db"], type: "switch" },
  { name: "WhatIf", aliases: ["wi"], type: "switch" },
  { name: "Confirm", aliases: ["cf"], type: "switch" },
];

export interface BoundArg {
  value: PSValue;
  extent: Extent;
}

export type Bound = Map<string, BoundArg>;

export function bindError(
  command: string,
  message: string,
  errorId: string,
  position?: { src: string; start: number; end: number },
) {
  return new PSRuntimeError(
    new ErrorRecord(message, {
      command,
      exception: "ParameterBindingException",
      category: "InvalidArgument",
      errorId,
      ...(position ? { position } : {}),
    }),
  );
}

export function bind(
  command: string,
  specs: ParamSpec[],
  args: { arg: CommandArg; value: PSValue | undefined }[],
  src: string,
): Bound {
  const all = [...specs, ...COMMON];
  const bound: Bound = new Map();
  const positional: { value: PSValue; extent: Extent }[] = [];
  for (let i = 0; i < args.length; i++) {
    const { arg, value } = args[i] as { arg: CommandArg; value: PSValue | undefined };
    const pos = { src, start: arg.start, end: arg.end };
    if (arg.kind === "value") {
      positional.push({ value: value ?? null, extent: arg });
      continue;
    }
    const spec = resolve(command, all, arg.name, pos);
    if (spec.type === "switch") {
      bound.set(spec.name, { value: arg.value ? isTrue(value ?? null) : true, extent: arg });
      continue;
    }
    let v = value;
    let extent: Extent = arg;
    if (!arg.value) {
      const next = args[i + 1];
      if (!next || next.arg.kind === "param") {
        throw bindError(
          command,
          `Missing an argument for parameter '${spec.name}'. Specify a parameter of type '${spec.typeName ?? typeNameOf(spec)}' and try again.`,
          "MissingArgument",
          pos,
        );
      }
      v = next.value;
      extent = { start: arg.start, end: next.arg.end };
      i++;
    }
    bound.set(spec.name, { value: convert(command, spec, v ?? null, { src, ...extent }), extent });
  }
  const byPosition = specs
    .filter((s) => s.position !== undefined)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  // Parameter sets, simplified: several parameters may share a position (Where-Object's
  // FilterScript and Property); the first free one whose type takes the value wins.
  const usedPositions = new Set<number>();
  for (const p of positional) {
    const spec = byPosition.find(
      (s) =>
        !bound.has(s.name) &&
        !usedPositions.has(s.position ?? -1) &&
        (s.type !== "block" || p.value instanceof ScriptBlock),
    );
    if (spec) usedPositions.add(spec.position ?? -1);
    if (!spec) {
      throw bindError(
        command,
        `A positional parameter cannot be found that accepts argument '${toText(p.value)}'.`,
        "PositionalParameterNotFound",
        { src, ...p.extent },
      );
    }
    bound.set(spec.name, { value: convert(command, spec, p.value, { src, ...p.extent }), extent: p.extent });
  }
  return bound;
}

function resolve(
  command: string,
  specs: ParamSpec[],
  name: string,
  pos: { src: string; start: number; end: number },
): ParamSpec {
  const lower = name.toLowerCase();
  const exact = specs.find((s) => s.name.toLowerCase() === lower || s.aliases?.some((a) => a.toLowerCase() === lower));
  if (exact) return exact;
  const matches = specs.filter((s) => s.name.toLowerCase().startsWith(lower));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw bindError(
      command,
      `Parameter cannot be processed because the parameter name '${name}' is ambiguous. Possible matches include: ${matches.map((m) => `-${m.name}`).join(" ")}.`,
      "AmbiguousParameter",
      pos,
    );
  }
  throw bindError(
    command,
    `A parameter cannot be found that matches parameter name '${name}'.`,
    "NamedParameterNotFound",
    pos,
  );
}

const typeNameOf = (spec: ParamSpec): string =>
  ({
    switch: "System.Management.Automation.SwitchParameter",
    int: "System.Int32",
    ints: "System.Int32[]",
    strings: "System.String[]",
    block: "System.Management.Automation.ScriptBlock",
    any: "System.Object",
    string: "System.String",
  })[spec.type ?? "string"];

function convert(
  command: string,
  spec: ParamSpec,
  value: PSValue,
  pos: { src: string; start: number; end: number },
): PSValue {
  try {
    switch (spec.type ?? "string") {
      case "int":
        return toNumber(Array.isArray(value) ? (value[0] ?? null) : value);
      case "ints":
        return enumerate(value).map((v) => toNumber(v));
      case "strings":
        return enumerate(value).map((v) => checkSet(spec, toText(v)));
      case "block":
        if (!(value instanceof ScriptBlock))
          throw new Error(
            `Cannot convert the "${toText(value)}" value of type "System.String" to type "System.Management.Automation.ScriptBlock".`,
          );
        return value;
      case "any":
        return value;
      default:
        return checkSet(spec, toText(Array.isArray(value) && value.length === 1 ? (value[0] ?? null) : value));
    }
  } catch (error) {
    if (error instanceof PSRuntimeError && error.record.options.errorId === "ParameterArgumentValidationError") {
      throw bindError(command, error.record.message, "ParameterArgumentValidationError", pos);
    }
    const reason = error instanceof PSRuntimeError ? error.record.message : (error as Error).message;
    throw bindError(
      command,
      `Cannot process argument transformation on parameter '${spec.name}'. ${reason}`,
      "ParameterArgumentTransformationError",
      pos,
    );
  }
}

function checkSet(spec: ParamSpec, text: string): string {
  if (!spec.set) return text;
  const hit = spec.set.find((s) => s.toLowerCase() === text.toLowerCase());
  if (hit) return hit;
  throw new PSRuntimeError(
    new ErrorRecord(
      `Cannot validate argument on parameter '${spec.name}'. The argument "${text}" does not belong to the set "${spec.set.join(",")}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
      { errorId: "ParameterArgumentValidationError" },
    ),
  );
}
