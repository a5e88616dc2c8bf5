import { PodError } from "../../common/errors";
import type { Envelope } from "./envelope";
import { faultError, httpError } from "./faults";
import { parseResponse, type WsmanResponse } from "./response";
import type { WinrmTransport } from "./transport";

/**
 * Whether each operation may be sent twice without harm: Command starts a
 * process and Send feeds its stdin, so neither is ever resent after a
 * mid-session 401 (see WinrmTransport). The rest only create, read, signal or
 * delete the shell and its output.
 */
export const REPLAY_SAFE = {
  "Create shell": true,
  Command: false,
  Send: false,
  Receive: true,
  Signal: true,
  "Delete shell": true,
} as const satisfies Record<string, boolean>;

export type WsmanOperation = keyof typeof REPLAY_SAFE;

/**
 * One WS-Man exchange: send an envelope, map HTTP status and SOAP faults to
 * PodErrors, and check that the reply answers our message (a:RelatesTo).
 */
export async function call(
  transport: WinrmTransport,
  envelope: Envelope,
  operation: WsmanOperation,
  timeoutMs: number,
): Promise<WsmanResponse> {
  const reply = await transport.post(envelope.xml, timeoutMs, { replaySafe: REPLAY_SAFE[operation], operation });
  const text = reply.body.toString("utf8");
  if (reply.status !== 200 && !text.trimStart().startsWith("<"))
    throw httpError(reply.status, text, operation, transport.target);
  const res = parseResponse(text);
  if (res.fault) throw faultError(res.fault, operation, transport.target, reply.status);
  if (reply.status !== 200) throw httpError(reply.status, text, operation, transport.target);
  if (res.relatesTo && res.relatesTo !== envelope.messageId) {
    throw new PodError(
      "PROTOCOL_ERROR",
      `The WinRM reply to ${operation} answers another message (${res.relatesTo}).`,
      {
        details: { expected: envelope.messageId, relatesTo: res.relatesTo },
      },
    );
  }
  return res;
}
