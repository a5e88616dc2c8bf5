import { randomUUID } from "node:crypto";
import { ACTION, ANONYMOUS, RESOURCE_CMD, SIGNAL_TERMINATE, WSMAN_NS } from "./namespaces";

/**
 * Builds WS-Man/WinRS request envelopes as strings (pure: no I/O). The header
 * carries what pywinrm and Windows' own winrs send: To, ReplyTo, MaxEnvelopeSize,
 * MessageID, Locale, DataLocale, OperationTimeout, ResourceURI, Action and,
 * after Create, the ShellId selector. Every text node is escaped; command
 * lines go in as escaped text (no CDATA needed).
 */
export interface EnvelopeContext {
  /** The endpoint URL, e.g. "http://10.0.0.5:5985/wsman". */
  to: string;
  operationTimeoutS: number;
  maxEnvelopeSize: number;
  locale: string;
  /** Injected in tests; random UUIDs otherwise. */
  messageId?: () => string;
}

export interface Envelope {
  xml: string;
  messageId: string;
  action: string;
}

export function escapeXmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NS_DECLS = Object.entries({
  s: WSMAN_NS.s,
  a: WSMAN_NS.a,
  w: WSMAN_NS.w,
  p: WSMAN_NS.p,
  rsp: WSMAN_NS.rsp,
})
  .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
  .join(" ");

function envelope(
  ctx: EnvelopeContext,
  action: string,
  body: string,
  extra: { shellId?: string; options?: Record<string, string> } = {},
): Envelope {
  const messageId = ctx.messageId?.() ?? `uuid:${randomUUID().toUpperCase()}`;
  const options = Object.entries(extra.options ?? {});
  const header = [
    `<a:To>${escapeXmlText(ctx.to)}</a:To>`,
    `<a:ReplyTo><a:Address s:mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>`,
    `<w:MaxEnvelopeSize s:mustUnderstand="true">${ctx.maxEnvelopeSize}</w:MaxEnvelopeSize>`,
    `<a:MessageID>${messageId}</a:MessageID>`,
    `<w:Locale xml:lang="${escapeXmlText(ctx.locale)}" s:mustUnderstand="false"/>`,
    `<p:DataLocale xml:lang="${escapeXmlText(ctx.locale)}" s:mustUnderstand="false"/>`,
    `<w:OperationTimeout>PT${ctx.operationTimeoutS}S</w:OperationTimeout>`,
    `<w:ResourceURI s:mustUnderstand="true">${RESOURCE_CMD}</w:ResourceURI>`,
    `<a:Action s:mustUnderstand="true">${action}</a:Action>`,
    extra.shellId
      ? `<w:SelectorSet><w:Selector Name="ShellId">${escapeXmlText(extra.shellId)}</w:Selector></w:SelectorSet>`
      : "",
    options.length
      ? `<w:OptionSet>${options.map(([k, v]) => `<w:Option Name="${escapeXmlText(k)}">${escapeXmlText(v)}</w:Option>`).join("")}</w:OptionSet>`
      : "",
  ].join("");
  const xml = `<?xml version="1.0" encoding="utf-8"?><s:Envelope ${NS_DECLS}><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  return { xml, messageId, action };
}

export interface CreateShellOptions {
  /** WINRS_CODEPAGE: 65001 (UTF-8) by default, so non-ASCII output survives. */
  codepage?: number;
  workingDirectory?: string;
  env?: Record<string, string>;
  /** ISO 8601 duration, e.g. "PT600S"; Windows caps it at its IdleTimeout (7200 s). */
  idleTimeout?: string;
}

export function createShell(ctx: EnvelopeContext, o: CreateShellOptions = {}): Envelope {
  const env = Object.entries(o.env ?? {});
  const body = [
    "<rsp:Shell>",
    o.workingDirectory ? `<rsp:WorkingDirectory>${escapeXmlText(o.workingDirectory)}</rsp:WorkingDirectory>` : "",
    env.length
      ? `<rsp:Environment>${env.map(([k, v]) => `<rsp:Variable Name="${escapeXmlText(k)}">${escapeXmlText(v)}</rsp:Variable>`).join("")}</rsp:Environment>`
      : "",
    o.idleTimeout ? `<rsp:IdleTimeOut>${o.idleTimeout}</rsp:IdleTimeOut>` : "",
    "<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>",
    "</rsp:Shell>",
  ].join("");
  return envelope(ctx, ACTION.create, body, {
    options: { WINRS_NOPROFILE: "FALSE", WINRS_CODEPAGE: String(o.codepage ?? 65001) },
  });
}

/** Runs `command` through cmd.exe (WINRS_SKIP_CMD_SHELL=FALSE), as Windows' winrs does. */
export function command(ctx: EnvelopeContext, shellId: string, commandLine: string, args: string[] = []): Envelope {
  const body = `<rsp:CommandLine><rsp:Command>${escapeXmlText(commandLine)}</rsp:Command>${args
    .map((a) => `<rsp:Arguments>${escapeXmlText(a)}</rsp:Arguments>`)
    .join("")}</rsp:CommandLine>`;
  return envelope(ctx, ACTION.command, body, {
    shellId,
    options: { WINRS_CONSOLEMODE_STDIN: "TRUE", WINRS_SKIP_CMD_SHELL: "FALSE" },
  });
}

export function send(ctx: EnvelopeContext, shellId: string, commandId: string, data: Buffer, end: boolean): Envelope {
  const body = `<rsp:Send><rsp:Stream Name="stdin" CommandId="${escapeXmlText(commandId)}"${end ? ' End="true"' : ""}>${data.toString("base64")}</rsp:Stream></rsp:Send>`;
  return envelope(ctx, ACTION.send, body, { shellId });
}

export function receive(ctx: EnvelopeContext, shellId: string, commandId: string): Envelope {
  const body = `<rsp:Receive><rsp:DesiredStream CommandId="${escapeXmlText(commandId)}">stdout stderr</rsp:DesiredStream></rsp:Receive>`;
  return envelope(ctx, ACTION.receive, body, { shellId });
}

export function signal(ctx: EnvelopeContext, shellId: string, commandId: string, code = SIGNAL_TERMINATE): Envelope {
  const body = `<rsp:Signal CommandId="${escapeXmlText(commandId)}"><rsp:Code>${code}</rsp:Code></rsp:Signal>`;
  return envelope(ctx, ACTION.signal, body, { shellId });
}

export function deleteShell(ctx: EnvelopeContext, shellId: string): Envelope {
  return envelope(ctx, ACTION.delete, "", { shellId });
}

/** wsmid:Identify: no header at all, as Windows expects it (MS-WSMV 3.1.4.1.30.1). */
export function identify(): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${WSMAN_NS.s}" xmlns:wsmid="${WSMAN_NS.wsmid}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;
}
