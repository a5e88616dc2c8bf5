import assert from "node:assert/strict";
import { AvId } from "../../provider/src/connections/winrm/ntlm/constants";
import {
  decodeAvPairs,
  decodeChallenge,
  encodeAvPairs,
  encodeChallenge,
} from "../../provider/src/connections/winrm/ntlm/messages";
import type { Mitm } from "./winrm-mitm";

/** What the WinRM man-in-the-middle tests forge, and how they check what crossed the wire. */
/** Every form the text could take on the wire: UTF-8/Latin-1, UTF-16LE (PowerShell), base64 of either. */
export function assertNotInCapture(capture: Buffer, text: string, what: string): void {
  const forms = [Buffer.from(text, "utf8"), Buffer.from(text, "utf16le")];
  const wire = capture.toString("latin1");
  for (const form of forms) {
    assert.ok(!capture.includes(form), `${what} crossed the wire in clear`);
    assert.ok(!wire.includes(form.toString("base64").slice(0, 16)), `${what} crossed the wire as base64`);
  }
}

/** The NTLM message types the client sent in Authorization headers. */
export const sentTypes = (mitm: Mitm): number[] =>
  mitm.authorizations.map((h) => Buffer.from(h.split(" ")[1] ?? "", "base64").readUInt32LE(8));

/** A CHALLENGE re-encoded with fewer flags and/or without MsvAvTimestamp (lengths and offsets redone). */
export function weaken(token: Buffer, options: { clearFlags?: number; dropTimestamp?: boolean }): Buffer {
  const c = decodeChallenge(token);
  const pairs = decodeAvPairs(c.targetInfo).filter((p) => !(options.dropTimestamp && p.id === AvId.Timestamp));
  return encodeChallenge({
    ...c,
    flags: (c.flags & ~(options.clearFlags ?? 0)) >>> 0,
    targetInfo: encodeAvPairs(pairs),
  });
}

export const FORGED_RECEIVE = (status: number) => ({
  status,
  headers: { "content-type": "application/soap+xml;charset=UTF-8", server: "Microsoft-HTTPAPI/2.0" },
  body: Buffer.from(
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Header><a:Action>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse</a:Action></s:Header><s:Body><rsp:ReceiveResponse><rsp:Stream Name="stdout" CommandId="C0FFEE00-1111-2222-3333-444455556666">${Buffer.from("The command completed successfully.\r\n").toString("base64")}</rsp:Stream><rsp:CommandState CommandId="C0FFEE00-1111-2222-3333-444455556666" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse></s:Body></s:Envelope>`,
  ),
});
