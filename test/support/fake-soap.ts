/**
 * An in-process stand-in for a vSphere SOAP endpoint, for unit tests: a
 * SoapTransport that answers each request with hand-written XML, shaped like
 * a real vCenter's responses, and records what pod sent.
 */
import { Secret } from "../../provider/src/common/secret";
import { VsphereSession } from "../../provider/src/vsphere/session";
import type { HttpRequest, HttpResponse, SoapTransport } from "../../provider/src/vsphere/soap/transport";
import { child, parseXml, type XmlNode } from "../../provider/src/vsphere/soap/xml";

export const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

export interface SentRequest {
  method: string;
  soapAction: string | undefined;
  body: string;
  /** The method element, parsed. */
  call: XmlNode;
}

/** Returns the inner XML of <returnval> elements, or a full <soapenv:Fault>; undefined = no result. */
export type Handler = (call: XmlNode, sent: SentRequest) => string | undefined;

export const SERVICE_CONTENT = `<returnval xsi:type="ServiceContent">
  <rootFolder type="Folder">group-d1</rootFolder>
  <propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>
  <viewManager type="ViewManager">ViewManager</viewManager>
  <about><name>VMware vCenter Server</name><fullName>VMware vCenter Server 8.0.2</fullName><vendor>VMware, Inc.</vendor>
    <version>8.0.2</version><build>1</build><osType>linux-x64</osType><apiType>VirtualCenter</apiType>
    <apiVersion>%API%</apiVersion><instanceUuid>uuid-1</instanceUuid></about>
  <sessionManager type="SessionManager">SessionManager</sessionManager>
  <searchIndex type="SearchIndex">SearchIndex</searchIndex>
</returnval>`;

export class FakeSoap implements SoapTransport {
  readonly sent: SentRequest[] = [];
  readonly handlers: Record<string, Handler>;
  /** The body of GET /sdk/vimServiceVersions.xml; undefined answers 404. */
  serviceVersions: string | undefined;

  constructor(options: { announced?: string; apiVersion?: string; handlers?: Record<string, Handler> } = {}) {
    this.serviceVersions =
      options.announced === undefined
        ? undefined
        : `<namespaces version="1.0"><namespace><name>urn:vim25</name><version>${options.announced}</version></namespace></namespaces>`;
    const api = options.apiVersion ?? "8.0.2.0";
    this.handlers = {
      RetrieveServiceContent: () => SERVICE_CONTENT.replace("%API%", api),
      Login: () => `<returnval><key>s1</key><userName>pod</userName><fullName>pod</fullName></returnval>`,
      Logout: () => undefined,
      CurrentTime: () => `<returnval>2026-12-02T07:00:00Z</returnval>`,
      CreatePropertyCollector: () => `<returnval type="PropertyCollector">session[1]pc</returnval>`,
      CreateFilter: () => `<returnval type="PropertyFilter">session[1]filter</returnval>`,
      DestroyPropertyCollector: () => undefined,
      // Every task succeeds at once.
      WaitForUpdatesEx: () =>
        `<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter><objectSet><kind>enter</kind>` +
        `<obj type="Task">task-1</obj><changeSet><name>info</name><op>assign</op><val xsi:type="TaskInfo">` +
        `<key>task-1</key><task type="Task">task-1</task><descriptionId>x</descriptionId><state>success</state>` +
        `<cancelled>false</cancelled><cancelable>false</cancelable></val></changeSet></objectSet></filterSet></returnval>`,
      ...options.handlers,
    };
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.method === "GET") {
      const body = this.serviceVersions ?? "not found";
      return response(this.serviceVersions === undefined ? 404 : 200, body);
    }
    const text = String(req.body);
    const call = firstCall(text);
    const sent = { method: call.name, soapAction: req.headers?.SOAPAction, body: text, call };
    this.sent.push(sent);
    const handler = this.handlers[call.name];
    if (!handler) throw new Error(`fake vSphere: no handler for ${call.name}`);
    const inner = handler(call, sent) ?? "";
    if (inner.includes("<soapenv:Fault>")) return response(500, envelope(inner));
    return response(200, envelope(`<${call.name}Response xmlns="urn:vim25">${inner}</${call.name}Response>`));
  }

  /** The requests sent for one method, in order. */
  calls(method: string): SentRequest[] {
    return this.sent.filter((s) => s.method === method);
  }

  close(): void {}
}

function firstCall(text: string): XmlNode {
  const body = child(parseXml(text), "Body");
  const call = body?.children[0];
  if (!call) throw new Error("fake vSphere: request without a method element");
  return call;
}

function envelope(inner: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ${XSI}>` +
    `<soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`
  );
}

function response(status: number, body: string): HttpResponse {
  return { status, headers: {}, body, bytes: Buffer.from(body) };
}

/** One RetrievePropertiesEx result object: `props` maps a property path to its <val> element. */
export function objectContent(type: string, value: string, props: Record<string, string>): string {
  const propSet = Object.entries(props)
    .map(([name, val]) => `<propSet><name>${name}</name>${val}</propSet>`)
    .join("");
  return `<objects><obj type="${type}">${value}</obj>${propSet}</objects>`;
}

/** The object refs and property paths a RetrievePropertiesEx request asks for. */
export function requested(call: XmlNode): { objects: string[]; paths: string[] } {
  const spec = child(call, "specSet");
  const objects = (spec?.children ?? []).filter((c) => c.name === "objectSet").map((o) => child(o, "obj")?.text ?? "");
  const paths = (spec?.children ?? [])
    .filter((c) => c.name === "propSet")
    .flatMap((p) => p.children.filter((c) => c.name === "pathSet").map((c) => c.text));
  return { objects, paths };
}

/** A logged-in session over the fake endpoint (no keepalive, TLS not involved). */
export function fakeSession(fake: FakeSoap): Promise<VsphereSession> {
  return VsphereSession.connect({
    host: "vcenter.example",
    user: "pod",
    password: new Secret("pw"),
    trust: { insecure: true },
    keepaliveMs: 0,
    transport: fake,
  });
}
