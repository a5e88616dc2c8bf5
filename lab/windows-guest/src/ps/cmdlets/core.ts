import { sleep } from "../../sleep";
import { ErrorRecord } from "../errors";
import { formatList, formatOutput, formatTable } from "../format";
import type { Cmdlet, Invocation } from "../interpreter";
import { convertToJson } from "../json";
import { binary, likeRegex, toNumber } from "../operators";
import {
  collapse,
  enumerate,
  getMember,
  Hashtable,
  isTrue,
  PSObject,
  type PSValue,
  ScriptBlock,
  toText,
} from "../values";

/** Pipeline and output cmdlets: Write-*, Out-*, Select/Where/ForEach/Sort/Measure-Object, ConvertTo/From-Json, Start-Sleep. */
const values = (inv: Invocation, param: string): PSValue[] =>
  inv.has(param) ? enumerate(inv.get(param) ?? null) : inv.input;

async function project(inv: Invocation, item: PSValue, props: PSValue[]): Promise<PSObject> {
  const typeName = item instanceof PSObject ? `Selected.${item.typeName}` : "Selected.System.Object";
  const out = new PSObject([typeName, "System.Management.Automation.PSCustomObject", "System.Object"]);
  for (const p of props) {
    if (p instanceof Hashtable) {
      const name = toText(p.get("Name") ?? p.get("n") ?? p.get("Label") ?? p.get("l") ?? null);
      const expr = p.get("Expression") ?? p.get("e") ?? null;
      const value =
        expr instanceof ScriptBlock
          ? collapse(await inv.interp.invokeBlock(expr, item))
          : (getMember(item, toText(expr)) ?? null);
      out.set(name, value);
      continue;
    }
    const name = toText(p);
    if (name.includes("*")) {
      const re = likeRegex(name);
      if (item instanceof PSObject) for (const [k, v] of item.entries()) if (re.test(k)) out.set(k, v);
      continue;
    }
    out.set(
      item instanceof PSObject
        ? (item.entries().find(([k]) => k.toLowerCase() === name.toLowerCase())?.[0] ?? name)
        : name,
      getMember(item, name) ?? null,
    );
  }
  return out;
}

const selectObject: Cmdlet = {
  name: "Select-Object",
  params: [
    { name: "Property", type: "any", position: 0 },
    { name: "ExpandProperty" },
    { name: "First", type: "int" },
    { name: "Last", type: "int" },
    { name: "Skip", type: "int" },
    { name: "Unique", type: "switch" },
    { name: "InputObject", type: "any" },
  ],
  async run(inv) {
    let items = values(inv, "InputObject");
    if (inv.has("Skip")) items = items.slice(toNumber(inv.get("Skip") ?? 0));
    if (inv.has("First")) items = items.slice(0, toNumber(inv.get("First") ?? 0));
    if (inv.has("Last")) items = items.slice(-toNumber(inv.get("Last") ?? 0));
    const out: PSValue[] = [];
    for (const item of items) {
      if (inv.has("ExpandProperty")) {
        const name = toText(inv.get("ExpandProperty") ?? null);
        const v = getMember(item, name);
        if (v === undefined) {
          inv.error(`Property "${name}" cannot be found.`, {
            exception: "PSArgumentException",
            category: "InvalidArgument",
            targetName: toText(item),
            errorId: "ExpandPropertyNotFound",
          });
          continue;
        }
        out.push(...enumerate(v));
      } else if (inv.has("Property")) out.push(await project(inv, item, enumerate(inv.get("Property") ?? null)));
      else out.push(item);
    }
    if (inv.get("Unique") === true) return out.filter((v, i) => out.findIndex((w) => toText(w) === toText(v)) === i);
    return out;
  },
};

const OPS = [
  "EQ",
  "NE",
  "GT",
  "GE",
  "LT",
  "LE",
  "Like",
  "NotLike",
  "Match",
  "NotMatch",
  "Contains",
  "NotContains",
  "In",
  "NotIn",
];

const whereObject: Cmdlet = {
  name: "Where-Object",
  params: [
    { name: "FilterScript", type: "block", position: 0 },
    { name: "Property", position: 0 },
    { name: "Value", type: "any", position: 1 },
    { name: "InputObject", type: "any" },
    ...OPS.map((op) => ({ name: op, type: "switch" as const })),
  ],
  async run(inv) {
    const out: PSValue[] = [];
    const op = OPS.find((o) => inv.get(o) === true)?.toLowerCase();
    for (const item of values(inv, "InputObject")) {
      const block = inv.get("FilterScript");
      let keep: boolean;
      if (block instanceof ScriptBlock) keep = isTrue(collapse(await inv.interp.invokeBlock(block, item)));
      else {
        const prop = getMember(item, toText(inv.get("Property") ?? null)) ?? null;
        keep = op ? isTrue(binary(op, prop, inv.get("Value") ?? null)) : isTrue(prop);
      }
      if (keep) out.push(item);
    }
    return out;
  },
};

const forEachObject: Cmdlet = {
  name: "ForEach-Object",
  params: [
    { name: "Process", type: "block", position: 0 },
    { name: "MemberName", position: 0 },
    { name: "InputObject", type: "any" },
  ],
  async run(inv) {
    const out: PSValue[] = [];
    const block = inv.get("Process");
    for (const item of values(inv, "InputObject")) {
      if (block instanceof ScriptBlock) out.push(...(await inv.interp.invokeBlock(block, item)));
      else out.push(...enumerate(getMember(item, toText(inv.get("MemberName") ?? null)) ?? null));
    }
    return out;
  },
};

const sortObject: Cmdlet = {
  name: "Sort-Object",
  params: [
    { name: "Property", type: "any", position: 0 },
    { name: "Descending", type: "switch" },
    { name: "Unique", type: "switch" },
    { name: "InputObject", type: "any" },
  ],
  run(inv) {
    const prop = inv.has("Property") ? toText(inv.get("Property") ?? null) : undefined;
    const key = (v: PSValue) => (prop ? (getMember(v, prop) ?? null) : v);
    const sorted = [...values(inv, "InputObject")].sort((a, b) =>
      isTrue(binary("gt", key(a), key(b))) ? 1 : isTrue(binary("lt", key(a), key(b))) ? -1 : 0,
    );
    if (inv.get("Descending") === true) sorted.reverse();
    return inv.get("Unique") === true
      ? sorted.filter((v, i) => sorted.findIndex((w) => toText(key(w)) === toText(key(v))) === i)
      : sorted;
  },
};

const measureObject: Cmdlet = {
  name: "Measure-Object",
  params: [
    { name: "Property", position: 0 },
    { name: "Sum", type: "switch" },
    { name: "InputObject", type: "any" },
  ],
  run(inv) {
    const items = values(inv, "InputObject");
    const prop = inv.has("Property") ? toText(inv.get("Property") ?? null) : undefined;
    const nums = items.map((v) => toNumber(prop ? (getMember(v, prop) ?? null) : v));
    return [
      new PSObject(["Microsoft.PowerShell.Commands.GenericMeasureInfo"], {
        Count: items.length,
        Average: null,
        Sum: inv.get("Sum") === true ? nums.reduce((a, b) => a + b, 0) : null,
        Maximum: null,
        Minimum: null,
        Property: prop ?? null,
      }),
    ];
  },
};

const convertToJsonCmdlet: Cmdlet = {
  name: "ConvertTo-Json",
  params: [
    { name: "InputObject", type: "any", position: 0 },
    { name: "Depth", type: "int" },
    { name: "Compress", type: "switch" },
  ],
  run(inv) {
    // Pipeline input is collected; a single item is written as itself (PowerShell 5.1 unwraps it).
    const value = inv.has("InputObject") ? (inv.get("InputObject") ?? null) : collapse(inv.input);
    if (!inv.has("InputObject") && inv.input.length === 0) return [];
    return [
      convertToJson(value, {
        depth: inv.has("Depth") ? toNumber(inv.get("Depth") ?? 2) : 2,
        compress: inv.get("Compress") === true,
      }),
    ];
  },
};

function fromJson(v: unknown): PSValue {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(fromJson);
  return new PSObject(
    undefined,
    Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJson(x)] as [string, PSValue]),
  );
}

const convertFromJson: Cmdlet = {
  name: "ConvertFrom-Json",
  params: [{ name: "InputObject", type: "any", position: 0 }],
  run(inv) {
    const text = enumerate(inv.has("InputObject") ? (inv.get("InputObject") ?? null) : collapse(inv.input))
      .map(toText)
      .join("\n");
    try {
      const parsed = fromJson(JSON.parse(text));
      return Array.isArray(parsed) ? [parsed] : [parsed];
    } catch (error) {
      return inv.fail(`Invalid JSON primitive: ${(error as Error).message}`, {
        exception: "ArgumentException",
        category: "NotSpecified",
        errorId: "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand",
      });
    }
  },
};

const writeOutput: Cmdlet = {
  name: "Write-Output",
  params: [
    { name: "InputObject", type: "any", position: 0 },
    { name: "NoEnumerate", type: "switch" },
  ],
  run: (inv) => (inv.has("InputObject") ? enumerate(inv.get("InputObject") ?? null) : inv.input),
};

const writeHost: Cmdlet = {
  name: "Write-Host",
  params: [
    { name: "Object", type: "any", position: 0 },
    { name: "NoNewline", type: "switch" },
    { name: "ForegroundColor" },
    { name: "BackgroundColor" },
    { name: "Separator" },
  ],
  run(inv) {
    const text = enumerate(inv.get("Object") ?? null)
      .map(toText)
      .join(inv.has("Separator") ? toText(inv.get("Separator") ?? null) : " ");
    inv.interp.host.write(inv.get("NoNewline") === true ? text : `${text}\r\n`);
    return [];
  },
};

const writeError: Cmdlet = {
  name: "Write-Error",
  params: [
    { name: "Message", position: 0 },
    { name: "Category" },
    { name: "ErrorId" },
    { name: "TargetObject", type: "any" },
  ],
  run(inv) {
    inv.interp.writeNonTerminating(
      new ErrorRecord(toText(inv.get("Message") ?? null), {
        exception: "WriteErrorException",
        category: toText(inv.get("Category") ?? "NotSpecified"),
        errorId: toText(inv.get("ErrorId") ?? "Microsoft.PowerShell.Commands.WriteErrorException"),
        // PowerShell 5.1 prefixes Write-Error messages with the invoking line, without a position.
        command: inv.position.src.slice(inv.position.start, inv.position.end).trim(),
        fqidSuffix: false,
        activity: "Write-Error",
      }),
      inv.has("ErrorAction") ? toText(inv.get("ErrorAction") ?? null) : undefined,
    );
    return [];
  },
};

const stream = (name: string, kind: "warning" | "verbose" | "debug" | "information", pref: string): Cmdlet => ({
  name,
  params: [{ name: "Message", position: 0, type: "any" }],
  run(inv) {
    const p = toText(inv.interp.getVar(pref)).toLowerCase();
    const shown =
      kind === "warning" ? p !== "silentlycontinue" : kind === "information" ? p === "continue" : p === "continue";
    if (shown) inv.interp.host.writeStream(kind, toText(inv.get("Message") ?? null));
    return [];
  },
});

const outNull: Cmdlet = { name: "Out-Null", params: [{ name: "InputObject", type: "any" }], run: () => [] };

const outString: Cmdlet = {
  name: "Out-String",
  params: [
    { name: "InputObject", type: "any", position: 0 },
    { name: "Stream", type: "switch" },
    { name: "Width", type: "int" },
  ],
  run(inv) {
    const text = formatOutput(values(inv, "InputObject"));
    return inv.get("Stream") === true ? text.split("\r\n").slice(0, -1) : [text];
  },
};

const formatTableCmdlet: Cmdlet = {
  name: "Format-Table",
  params: [
    { name: "Property", type: "any", position: 0 },
    { name: "AutoSize", type: "switch" },
    { name: "HideTableHeaders", type: "switch" },
    { name: "InputObject", type: "any" },
  ],
  async run(inv) {
    const items = values(inv, "InputObject");
    const props = inv.has("Property") ? enumerate(inv.get("Property") ?? null) : undefined;
    const rows = await Promise.all(items.map((i) => (props ? project(inv, i, props) : i)));
    const first = rows.find((r) => r instanceof PSObject) as PSObject | undefined;
    if (!first) return formatOutput(rows).split("\r\n");
    const columns = first.display ?? first.entries().map(([k]) => k);
    return formatTable(
      columns,
      rows.map((r) => columns.map((c) => getMember(r, c) ?? null)),
    )
      .split("\r\n")
      .slice(0, -1);
  },
};

const formatListCmdlet: Cmdlet = {
  name: "Format-List",
  params: [
    { name: "Property", type: "any", position: 0 },
    { name: "InputObject", type: "any" },
  ],
  async run(inv) {
    const items = values(inv, "InputObject");
    const props = enumerate(inv.get("Property") ?? "*");
    const rows = await Promise.all(items.map((i) => project(inv, i, props)));
    return formatList(rows).split("\r\n").slice(0, -1);
  },
};

const startSleep: Cmdlet = {
  name: "Start-Sleep",
  params: [
    { name: "Seconds", type: "any", position: 0, aliases: ["s"] },
    { name: "Milliseconds", type: "int", aliases: ["m"] },
  ],
  async run(inv) {
    const ms = inv.has("Milliseconds")
      ? toNumber(inv.get("Milliseconds") ?? 0)
      : toNumber(inv.get("Seconds") ?? 0) * 1000;
    await sleep(ms, inv.interp.host.signal);
    return [];
  },
};

const invokeExpression: Cmdlet = {
  name: "Invoke-Expression",
  params: [{ name: "Command", position: 0 }],
  run: (inv) => inv.interp.invokeBlock(inv.interp.parseBlock(toText(inv.get("Command") ?? null))),
};

export const CORE_CMDLETS: Cmdlet[] = [
  selectObject,
  whereObject,
  forEachObject,
  sortObject,
  measureObject,
  convertToJsonCmdlet,
  convertFromJson,
  writeOutput,
  writeHost,
  writeError,
  stream("Write-Warning", "warning", "WarningPreference"),
  stream("Write-Verbose", "verbose", "VerbosePreference"),
  stream("Write-Debug", "debug", "DebugPreference"),
  stream("Write-Information", "information", "InformationPreference"),
  outNull,
  outString,
  formatTableCmdlet,
  formatListCmdlet,
  startSleep,
  invokeExpression,
];
