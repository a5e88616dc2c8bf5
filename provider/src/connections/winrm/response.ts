import { PodError } from "../../common/errors";
import { parseXml, type XmlNode } from "../../vsphere/soap/xml";
import { COMMAND_STATE_DONE, WSMAN_NS } from "./namespaces";

/**
 * Reads WS-Man responses (namespace-aware, by URI, never by prefix): the
 * addressing header, SOAP 1.2 faults with their WSManFault code, and the
 * WinRS bodies (ShellId, CommandId, Receive streams and state).
 */
export function descendants(node: XmlNode, ns: string, name: string, out: XmlNode[] = []): XmlNode[] {
  for (const c of node.children) {
    if (c.ns === ns && c.name === name) out.push(c);
    descendants(c, ns, name, out);
  }
  return out;
}

export const first = (node: XmlNode, ns: string, name: string): XmlNode | undefined => descendants(node, ns, name)[0];

export interface WsmanFault {
  code: string;
  subcode: string;
  reason: string;
  /** f:WSManFault/@Code, e.g. "2150858793" (OperationTimeout). */
  wsmanCode?: string;
  /** f:Message text (Windows repeats or details the reason there). */
  message?: string;
}

export interface WsmanResponse {
  root: XmlNode;
  body: XmlNode | undefined;
  action?: string;
  relatesTo?: string;
  fault?: WsmanFault;
}

export function parseResponse(xml: string): WsmanResponse {
  const root = parseXml(xml);
  if (root.ns !== WSMAN_NS.s || root.name !== "Envelope") {
    throw new PodError("PROTOCOL_ERROR", `Expected a SOAP 1.2 Envelope from the WinRM service, got <${root.name}>.`);
  }
  const header = root.children.find((c) => c.ns === WSMAN_NS.s && c.name === "Header");
  const body = root.children.find((c) => c.ns === WSMAN_NS.s && c.name === "Body");
  const text = (name: string): string | undefined =>
    header ? first(header, WSMAN_NS.a, name)?.text.trim() : undefined;
  const faultNode = body ? first(body, WSMAN_NS.s, "Fault") : undefined;
  const action = text("Action");
  const relatesTo = text("RelatesTo");
  return {
    root,
    body,
    ...(action ? { action } : {}),
    ...(relatesTo ? { relatesTo } : {}),
    ...(faultNode ? { fault: readFault(faultNode) } : {}),
  };
}

function readFault(fault: XmlNode): WsmanFault {
  const code = fault.children.find((c) => c.name === "Code");
  const value = code?.children.find((c) => c.name === "Value")?.text.trim() ?? "";
  const sub = code?.children.find((c) => c.name === "Subcode")?.children.find((c) => c.name === "Value");
  const reason = first(fault, WSMAN_NS.s, "Text")?.text.trim() ?? "";
  const wsman = first(fault, WSMAN_NS.f, "WSManFault");
  const message = wsman ? collectText(first(wsman, WSMAN_NS.f, "Message") ?? wsman).trim() : undefined;
  return {
    code: value,
    subcode: sub?.text.trim() ?? "",
    reason,
    ...(wsman?.attrs.Code ? { wsmanCode: wsman.attrs.Code } : {}),
    ...(message ? { message } : {}),
  };
}

/** All text under a node (f:Message may nest provider faults). */
export function collectText(node: XmlNode): string {
  return node.text + node.children.map(collectText).join("");
}

function required(node: XmlNode | undefined, what: string): XmlNode {
  if (!node) throw new PodError("PROTOCOL_ERROR", `The WinRM response has no ${what}.`);
  return node;
}

/** ShellId from Create: the ShellId selector (as pywinrm/Windows), else rsp:ShellId. */
export function readShellId(res: WsmanResponse): string {
  const body = required(res.body, "Body");
  const selector = descendants(body, WSMAN_NS.w, "Selector").find((s) => s.attrs.Name === "ShellId");
  const id = selector?.text.trim() || first(body, WSMAN_NS.rsp, "ShellId")?.text.trim();
  if (!id) throw new PodError("PROTOCOL_ERROR", "The WinRM CreateResponse has no ShellId.");
  return id;
}

export function readCommandId(res: WsmanResponse): string {
  const id = first(required(res.body, "Body"), WSMAN_NS.rsp, "CommandId")?.text.trim();
  if (!id) throw new PodError("PROTOCOL_ERROR", "The WinRM CommandResponse has no CommandId.");
  return id;
}

export interface ReceiveChunk {
  stdout: Buffer;
  stderr: Buffer;
  done: boolean;
  exitCode?: number;
}

/** One ReceiveResponse: decoded stream bytes (in order) and whether the command finished. */
export function readReceive(res: WsmanResponse, commandId: string): ReceiveChunk {
  const body = required(res.body, "Body");
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (const stream of descendants(body, WSMAN_NS.rsp, "Stream")) {
    if (stream.attrs.CommandId && stream.attrs.CommandId.toUpperCase() !== commandId.toUpperCase()) continue;
    const data = Buffer.from(stream.text.trim(), "base64");
    if (stream.attrs.Name === "stdout") out.push(data);
    else if (stream.attrs.Name === "stderr") err.push(data);
  }
  const state = first(body, WSMAN_NS.rsp, "CommandState");
  const done = state?.attrs.State === COMMAND_STATE_DONE;
  const exitText = state ? first(state, WSMAN_NS.rsp, "ExitCode")?.text.trim() : undefined;
  const chunk: ReceiveChunk = { stdout: Buffer.concat(out), stderr: Buffer.concat(err), done };
  if (done && exitText !== undefined && /^-?\d+$/.test(exitText)) chunk.exitCode = toSigned32(Number(exitText));
  return chunk;
}

/** Windows reports exit codes as unsigned 32-bit (e.g. 4294967295 for -1); keep them signed like cmd.exe. */
function toSigned32(n: number): number {
  return n > 0x7fffffff && n <= 0xffffffff ? n - 0x100000000 : n;
}
