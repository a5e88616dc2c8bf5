/**
 * Parsers for a command's stdout, chosen per command: JSON, `ip -j` output,
 * os-release, key=value lines and PowerShell's ConvertTo-Json. A parser that
 * cannot read the output throws COMMAND_FAILED with the start of the output.
 */
import { PodError } from "../common/errors";
import { parseOsRelease, unquoteOsReleaseValue } from "../os/probe/os-release";

export type ParserName = "json" | "ip-json" | "os-release" | "key-value" | "powershell-json";
export type OutputParser<D = unknown> = ParserName | ((stdout: string) => D);

export interface IpAddress {
  family: "inet" | "inet6" | string;
  local: string;
  prefixlen: number;
  scope?: string;
}

export interface IpLink {
  ifname: string;
  ifindex?: number;
  mtu?: number;
  operstate?: string;
  address?: string;
  flags: string[];
  /** linkinfo.info_kind with `ip -d`: veth, vlan, bridge, … */
  kind?: string;
  addresses: IpAddress[];
}

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
}

const bad = (parser: string, stdout: string, why: string) =>
  new PodError("COMMAND_FAILED", `The output is not valid ${parser}: ${why}.`, {
    fix: "Check that the command prints what the parser expects (run it by hand).",
    details: { parser, stdout: stdout.slice(0, 500) },
  });

export function parseJson(stdout: string, parser = "json"): unknown {
  const text = stdout.replace(/^\uFEFF/, "").trim();
  if (!text) throw bad(parser, stdout, "it is empty");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw bad(parser, stdout, (error as Error).message);
  }
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** `ip -j addr|link` → links with their addresses; `ip -j route` → routes. */
export function parseIpJson(stdout: string): IpLink[] | IpRoute[] {
  const value = parseJson(stdout, "ip -j output");
  if (!Array.isArray(value)) throw bad("ip -j output", stdout, "it is not a JSON array");
  const items = value.filter((v): v is Json => typeof v === "object" && v !== null);
  if (items.length === 0) return [];
  if (items.every((i) => typeof i.ifname === "string")) {
    return items.map((i) =>
      defined<IpLink>({
        ifname: i.ifname as string,
        ifindex: num(i.ifindex),
        mtu: num(i.mtu),
        operstate: str(i.operstate),
        address: str(i.address),
        flags: Array.isArray(i.flags) ? i.flags.filter((f): f is string => typeof f === "string") : [],
        kind: str((i.linkinfo as Json | undefined)?.info_kind),
        addresses: (Array.isArray(i.addr_info) ? (i.addr_info as Json[]) : []).map((a) =>
          defined<IpAddress>({
            family: str(a.family) ?? "",
            local: str(a.local) ?? "",
            prefixlen: num(a.prefixlen) ?? 0,
            scope: str(a.scope),
          }),
        ),
      }),
    );
  }
  if (items.every((i) => typeof i.dst === "string")) {
    return items.map((i) =>
      defined<IpRoute>({
        dst: i.dst as string,
        gateway: str(i.gateway),
        dev: str(i.dev),
        protocol: str(i.protocol),
        scope: str(i.scope),
        prefsrc: str(i.prefsrc),
        metric: num(i.metric),
      }),
    );
  }
  throw bad("ip -j output", stdout, "it holds neither links (ifname) nor routes (dst)");
}

/** `key=value` lines (blank lines and # comments skipped; quotes removed as in os-release). */
export function parseKeyValue(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = unquoteOsReleaseValue(line.slice(eq + 1));
  }
  return out;
}

const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/**
 * ConvertTo-Json output: Windows PowerShell 5.1 writes dates as "\/Date(ms)\/"
 * (made ISO strings here); empty output (no objects) is null.
 */
export function parsePowerShellJson(stdout: string): unknown {
  if (!stdout.replace(/^\uFEFF/, "").trim()) return null;
  const revive = (value: unknown): unknown => {
    if (typeof value === "string") {
      const m = MS_DATE.exec(value);
      return m?.[1] ? new Date(Number(m[1])).toISOString() : value;
    }
    if (Array.isArray(value)) return value.map(revive);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
    }
    return value;
  };
  return revive(parseJson(stdout, "PowerShell JSON"));
}

export function parseOutput(parser: OutputParser, stdout: string): unknown {
  if (typeof parser === "function") return parser(stdout);
  switch (parser) {
    case "json":
      return parseJson(stdout);
    case "ip-json":
      return parseIpJson(stdout);
    case "os-release":
      return parseOsRelease(stdout);
    case "key-value":
      return parseKeyValue(stdout);
    case "powershell-json":
      return parsePowerShellJson(stdout);
    default:
      throw new PodError("INVALID_INPUT", `"${String(parser)}" is not an output parser.`, {
        fix: "Use json, ip-json, os-release, key-value, powershell-json or a function.",
      });
  }
}
