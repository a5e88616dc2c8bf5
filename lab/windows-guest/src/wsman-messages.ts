import { randomUUID } from "node:crypto";
import { escapeXmlText } from "../../../provider/src/connections/winrm/envelope";
import { ANONYMOUS, WSMAN_NS } from "../../../provider/src/connections/winrm/namespaces";
import { descendants, first } from "../../../provider/src/connections/winrm/response";
import { parseXml, type XmlNode } from "../../../provider/src/vsphere/soap/xml";

/**
 * The service side of WS-Man envelopes: read a request's addressing header
 * and options, write responses and SOAP 1.2 faults the way Windows Server
 * does (s/a/x/w/rsp/p prefixes, a:RelatesTo = the request's MessageID,
 * WSManFault codes in s:Detail).
 */
export interface WsmanRequest {
  action: string;
  messageId?: string;
  resourceUri?: string;
  shellId?: string;
  options: Record<string, string>;
  operationTimeoutMs?: number;
  maxEnvelopeSize?: number;
  body: XmlNode | undefined;
  identify: boolean;
}

/** ISO 8601 durations as WS-Man uses them: PT20S, PT20.000S, PT1M30S, P0DT0H0M20S. */
export function parseDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

export function readRequest(xml: string): WsmanRequest {
  const root = parseXml(xml);
  const header = root.children.find((c) => c.ns === WSMAN_NS.s && c.name === "Header");
  const body = root.children.find((c) => c.ns === WSMAN_NS.s && c.name === "Body");
  const text = (ns: string, name: string) => (header ? first(header, ns, name)?.text.trim() : undefined);
  const options: Record<string, string> = {};
  for (const o of header ? descendants(header, WSMAN_NS.w, "Option") : [])
    if (o.attrs.Name) options[o.attrs.Name] = o.text.trim();
  const selector = header
    ? descendants(header, WSMAN_NS.w, "Selector").find((s) => s.attrs.Name === "ShellId")
    : undefined;
  const timeout = text(WSMAN_NS.w, "OperationTimeout");
  const maxEnv = text(WSMAN_NS.w, "MaxEnvelopeSize");
  const messageId = text(WSMAN_NS.a, "MessageID");
  const resourceUri = text(WSMAN_NS.w, "ResourceURI");
  const shellId = selector?.text.trim();
  const duration = timeout ? parseDuration(timeout) : undefined;
  return {
    action: text(WSMAN_NS.a, "Action") ?? "",
    ...(messageId ? { messageId } : {}),
    ...(resourceUri ? { resourceUri } : {}),
    ...(shellId ? { shellId } : {}),
    options,
    ...(duration !== undefined ? { operationTimeoutMs: duration } : {}),
    ...(maxEnv && /^\d+$/.test(maxEnv) ? { maxEnvelopeSize: Number(maxEnv) } : {}),
    body,
    identify: !!body && !!first(body, WSMAN_NS.wsmid, "Identify"),
  };
}

const ENVELOPE_OPEN = `<s:Envelope xml:lang="en-US" xmlns:s="${WSMAN_NS.s}" xmlns:a="${WSMAN_NS.a}" xmlns:x="${WSMAN_NS.x}" xmlns:w="${WSMAN_NS.w}" xmlns:rsp="${WSMAN_NS.rsp}" xmlns:p="${WSMAN_NS.p}">`;

export const newMessageId = (): string => `uuid:${randomUUID().toUpperCase()}`;

export function response(action: string, relatesTo: string | undefined, body: string): string {
  const header =
    `<s:Header><a:Action>${action}</a:Action><a:MessageID>${newMessageId()}</a:MessageID>` +
    `<a:To>${ANONYMOUS}</a:To>${relatesTo ? `<a:RelatesTo>${escapeXmlText(relatesTo)}</a:RelatesTo>` : ""}</s:Header>`;
  return `${ENVELOPE_OPEN}${header}<s:Body>${body}</s:Body></s:Envelope>`;
}

export interface FaultSpec {
  code: "s:Sender" | "s:Receiver";
  subcode: string;
  reason: string;
  wsmanCode?: string;
  machine: string;
}

export class WsmanFaultError extends Error {
  constructor(readonly fault: FaultSpec) {
    super(fault.reason);
  }
}

export function faultEnvelope(f: FaultSpec, relatesTo: string | undefined): string {
  const detail = f.wsmanCode
    ? `<s:Detail><f:WSManFault xmlns:f="${WSMAN_NS.f}" Code="${f.wsmanCode}" Machine="${escapeXmlText(f.machine)}"><f:Message>${escapeXmlText(f.reason)}</f:Message></f:WSManFault></s:Detail>`
    : "";
  const body =
    `<s:Fault><s:Code><s:Value>${f.code}</s:Value><s:Subcode><s:Value>${f.subcode}</s:Value></s:Subcode></s:Code>` +
    `<s:Reason><s:Text xml:lang="en-US">${escapeXmlText(f.reason)}</s:Text></s:Reason>${detail}</s:Fault>`;
  return response("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relatesTo, body);
}

/** Unauthenticated Identify masks the OS version (0.0.0), as Windows does; authenticated shows it. */
export function identifyResponse(osVersion = "0.0.0"): string {
  return (
    `<s:Envelope xmlns:s="${WSMAN_NS.s}" xmlns:wsmid="${WSMAN_NS.wsmid}"><s:Header/><s:Body><wsmid:IdentifyResponse>` +
    "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>" +
    "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>" +
    `<wsmid:ProductVersion>OS: ${osVersion} SP: 0.0 Stack: 3.0</wsmid:ProductVersion>` +
    "<wsmid:SecurityProfiles><wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos</wsmid:SecurityProfileName></wsmid:SecurityProfiles>" +
    "</wsmid:IdentifyResponse></s:Body></s:Envelope>"
  );
}
