import { escapeXmlText } from "../../../provider/src/connections/winrm/envelope";
import {
  ACTION,
  COMMAND_STATE_DONE,
  COMMAND_STATE_RUNNING,
  RESOURCE_CMD,
  SIGNAL_CTRL_C,
  WSMAN_FAULT,
  WSMAN_NS,
} from "../../../provider/src/connections/winrm/namespaces";
import { descendants, first } from "../../../provider/src/connections/winrm/response";
import { runCmd } from "./cmd";
import type { Machine } from "./machine";
import { defaultEnv } from "./process";
import { Command, Shell, type ShellTable } from "./shells";
import {
  type FaultSpec,
  faultEnvelope,
  identifyResponse,
  parseDuration,
  readRequest,
  response,
  WsmanFaultError,
  type WsmanRequest,
} from "./wsman-messages";

/**
 * The WinRS operations of the guest's WS-Man service: Create, Command, Send,
 * Receive, Signal, Delete (and wsmid:Identify). Returns the HTTP status and
 * the response envelope; faults are HTTP 500 as on Windows.
 */
export interface ServiceContext {
  machine: Machine;
  shells: ShellTable;
  user: string;
  clientIp: string;
  endpoint: string;
  /** Aborted when the client goes away (ends a waiting Receive early). */
  cancel: AbortSignal;
  maxEnvelopeBytes: number;
}

const DEFAULT_OPERATION_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 7_200_000;

export async function serve(xml: string, ctx: ServiceContext): Promise<{ status: number; xml: string }> {
  let req: WsmanRequest | undefined;
  try {
    req = readRequest(xml);
    if (req.identify) return { status: 200, xml: identifyResponse(ctx.machine.os.version) };
    return { status: 200, xml: await operation(req, ctx) };
  } catch (error) {
    if (error instanceof WsmanFaultError) return { status: 500, xml: faultEnvelope(error.fault, req?.messageId) };
    const fault: FaultSpec = {
      code: "s:Sender",
      subcode: "w:SchemaValidationError",
      reason: `The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. (${(error as Error).message})`,
      wsmanCode: "2150858817",
      machine: ctx.machine.hostname,
    };
    return { status: 500, xml: faultEnvelope(fault, req?.messageId) };
  }
}

const fault = (ctx: ServiceContext, spec: Omit<FaultSpec, "machine">): WsmanFaultError =>
  new WsmanFaultError({ ...spec, machine: ctx.machine.hostname });

function shellOf(req: WsmanRequest, ctx: ServiceContext): Shell {
  const shell = req.shellId ? ctx.shells.get(req.shellId) : undefined;
  if (!shell || shell.options.owner.toLowerCase() !== ctx.user.toLowerCase()) {
    throw fault(ctx, {
      code: "s:Sender",
      subcode: "w:InvalidSelectors",
      reason: `The request for the Windows Remote Shell with ShellId ${req.shellId ?? ""} failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. `,
      wsmanCode: WSMAN_FAULT.shellNotFound,
    });
  }
  return shell;
}

function commandOf(shell: Shell, id: string | undefined, ctx: ServiceContext): Command {
  const cmd = id ? shell.commands.get(id.toUpperCase()) : undefined;
  if (!cmd) {
    throw fault(ctx, {
      code: "s:Sender",
      subcode: "w:InvalidParameter",
      reason: `The WS-Management service cannot process the request because the CommandId ${id ?? ""} is not valid for the shell ${shell.id}. `,
      wsmanCode: "2150858887",
    });
  }
  return cmd;
}

async function operation(req: WsmanRequest, ctx: ServiceContext): Promise<string> {
  const body = req.body;
  const rsp = (name: string) => (body ? first(body, WSMAN_NS.rsp, name) : undefined);
  if (
    req.action !== ACTION.create &&
    req.action !== ACTION.delete &&
    !req.action.startsWith("http://schemas.microsoft.com/wbem/wsman/1/windows/shell/")
  ) {
    throw fault(ctx, {
      code: "s:Sender",
      subcode: "a:ActionNotSupported",
      reason: `The action ${req.action || "(none)"} is not supported by the service. `,
      wsmanCode: "2150858771",
    });
  }
  if (req.resourceUri && req.resourceUri !== RESOURCE_CMD) {
    throw fault(ctx, {
      code: "s:Sender",
      subcode: "w:DestinationUnreachable",
      reason:
        "The WS-Management service cannot process the request because the resource URI is not supported by this guest (only the cmd shell is). ",
      wsmanCode: "2150858770",
    });
  }
  switch (req.action) {
    case ACTION.create: {
      if (ctx.shells.count(ctx.user) >= ctx.shells.maxShellsPerUser) {
        throw fault(ctx, {
          code: "s:Receiver",
          subcode: "w:InternalError",
          reason: `The WS-Management service cannot process the request. This user is allowed a maximum number of ${ctx.shells.maxShellsPerUser} concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. `,
          wsmanCode: WSMAN_FAULT.maxShells,
        });
      }
      const env = defaultEnv(ctx.machine);
      for (const v of body ? descendants(body, WSMAN_NS.rsp, "Variable") : [])
        if (v.attrs.Name) env[v.attrs.Name] = v.text;
      const idle = rsp("IdleTimeOut")?.text;
      const codepage = Number(req.options.WINRS_CODEPAGE ?? 437) || 437;
      const shell = new Shell({
        owner: ctx.user,
        codepage,
        env,
        cwd: rsp("WorkingDirectory")?.text.trim() || "C:\\Users\\Administrator",
        idleTimeoutMs: Math.min(DEFAULT_IDLE_TIMEOUT_MS, (idle && parseDuration(idle)) || DEFAULT_IDLE_TIMEOUT_MS),
        clientIp: ctx.clientIp,
      });
      ctx.shells.add(shell);
      return response(
        "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse",
        req.messageId,
        `<x:ResourceCreated><a:Address>${escapeXmlText(ctx.endpoint)}</a:Address><a:ReferenceParameters><w:ResourceURI>${RESOURCE_CMD}</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">${shell.id}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>` +
          `<rsp:Shell xmlns:rsp="${WSMAN_NS.rsp}"><rsp:ShellId>${shell.id}</rsp:ShellId><rsp:ResourceUri>${RESOURCE_CMD}</rsp:ResourceUri><rsp:Owner>${escapeXmlText(ctx.user)}</rsp:Owner><rsp:ClientIP>${escapeXmlText(ctx.clientIp)}</rsp:ClientIP>` +
          `<rsp:IdleTimeOut>PT${(shell.options.idleTimeoutMs / 1000).toFixed(3)}S</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime><rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>`,
      );
    }
    case ACTION.command: {
      const shell = shellOf(req, ctx);
      const commandText = rsp("Command")?.text ?? "";
      const args = body ? descendants(body, WSMAN_NS.rsp, "Arguments").map((a) => a.text) : [];
      const line = [commandText.trim(), ...args].join(" ");
      const encode = (text: string) => Buffer.from(text, shell.options.codepage === 65001 ? "utf8" : "latin1");
      const cmd = new Command((io) =>
        runCmd(line, {
          machine: ctx.machine,
          stdout: (t) => io.stdout(encode(t)),
          stderr: (t) => io.stderr(encode(t)),
          readStdin: io.readStdin,
          signal: io.signal,
          env: shell.options.env,
          cwd: shell.options.cwd,
          codepage: shell.options.codepage,
        }),
      );
      shell.commands.set(cmd.id, cmd);
      return response(
        `${ACTION.command}Response`,
        req.messageId,
        `<rsp:CommandResponse><rsp:CommandId>${cmd.id}</rsp:CommandId></rsp:CommandResponse>`,
      );
    }
    case ACTION.send: {
      const shell = shellOf(req, ctx);
      for (const s of body ? descendants(body, WSMAN_NS.rsp, "Stream") : []) {
        commandOf(shell, s.attrs.CommandId, ctx).pushStdin(
          Buffer.from(s.text.trim(), "base64"),
          s.attrs.End === "true",
        );
      }
      return response(`${ACTION.send}Response`, req.messageId, "<rsp:SendResponse/>");
    }
    case ACTION.receive: {
      const shell = shellOf(req, ctx);
      const id = rsp("DesiredStream")?.attrs.CommandId;
      const cmd = commandOf(shell, id, ctx);
      const envelope = Math.min(req.maxEnvelopeSize ?? ctx.maxEnvelopeBytes, ctx.maxEnvelopeBytes);
      const budget = Math.max(1024, Math.floor((envelope - 4096) / 4) * 3);
      const result = await cmd.receive(req.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS, budget, ctx.cancel);
      if (!result) {
        throw fault(ctx, {
          code: "s:Receiver",
          subcode: "w:TimedOut",
          reason:
            "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ",
          wsmanCode: WSMAN_FAULT.operationTimeout,
        });
      }
      const stream = (name: string, data: Buffer, end: boolean) =>
        `<rsp:Stream Name="${name}" CommandId="${cmd.id}"${end ? ' End="true"' : ""}>${data.toString("base64")}</rsp:Stream>`;
      let inner = "";
      if (result.stdout.length) inner += stream("stdout", result.stdout, false);
      if (result.stderr.length) inner += stream("stderr", result.stderr, false);
      if (result.done) {
        inner += stream("stdout", Buffer.alloc(0), true) + stream("stderr", Buffer.alloc(0), true);
        inner += `<rsp:CommandState CommandId="${cmd.id}" State="${COMMAND_STATE_DONE}"><rsp:ExitCode>${result.exitCode ?? 0}</rsp:ExitCode></rsp:CommandState>`;
      } else inner += `<rsp:CommandState CommandId="${cmd.id}" State="${COMMAND_STATE_RUNNING}"/>`;
      return response(
        `${ACTION.receive}Response`,
        req.messageId,
        `<rsp:ReceiveResponse>${inner}</rsp:ReceiveResponse>`,
      );
    }
    case ACTION.signal: {
      const shell = shellOf(req, ctx);
      const signal = rsp("Signal");
      const cmd = commandOf(shell, signal?.attrs.CommandId, ctx);
      const code = rsp("Code")?.text.trim();
      cmd.stop(code === SIGNAL_CTRL_C);
      if (code !== SIGNAL_CTRL_C) shell.commands.delete(cmd.id);
      return response(`${ACTION.signal}Response`, req.messageId, "<rsp:SignalResponse/>");
    }
    case ACTION.delete:
      shellOf(req, ctx);
      ctx.shells.delete(req.shellId ?? "");
      return response("http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse", req.messageId, "");
  }
  throw fault(ctx, {
    code: "s:Sender",
    subcode: "a:ActionNotSupported",
    reason: `The action ${req.action} is not supported by the service. `,
    wsmanCode: "2150858771",
  });
}
