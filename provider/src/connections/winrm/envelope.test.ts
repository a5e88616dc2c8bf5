import assert from "node:assert/strict";
import { parseXml, type XmlNode } from "../../vsphere/soap/xml";
import * as env from "./envelope";
import { ACTION, RESOURCE_CMD, WSMAN_NS } from "./namespaces";
import { descendants, first } from "./response";

const ctx: env.EnvelopeContext = {
  to: "http://10.0.0.5:5985/wsman",
  operationTimeoutS: 20,
  maxEnvelopeSize: 153600,
  locale: "en-US",
  messageId: () => "uuid:11111111-2222-3333-4444-555555555555",
};

const header = (root: XmlNode): XmlNode => root.children.find((c) => c.name === "Header") as XmlNode;
const text = (root: XmlNode, ns: string, name: string): string | undefined => first(root, ns, name)?.text;
const options = (root: XmlNode): Record<string, string> =>
  Object.fromEntries(descendants(root, WSMAN_NS.w, "Option").map((o) => [o.attrs.Name, o.text]));

describe("winrm envelope builder", () => {
  it("writes the WS-Man header pywinrm and winrs send, in SOAP 1.2", () => {
    const e = env.createShell(ctx);
    const root = parseXml(e.xml);
    assert.equal(root.ns, WSMAN_NS.s);
    const h = header(root);
    assert.deepEqual(
      h.children.map((c) => c.name),
      [
        "To",
        "ReplyTo",
        "MaxEnvelopeSize",
        "MessageID",
        "Locale",
        "DataLocale",
        "OperationTimeout",
        "ResourceURI",
        "Action",
        "OptionSet",
      ],
    );
    assert.equal(text(h, WSMAN_NS.a, "To"), "http://10.0.0.5:5985/wsman");
    assert.equal(text(h, WSMAN_NS.a, "Address"), "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous");
    assert.equal(text(h, WSMAN_NS.w, "MaxEnvelopeSize"), "153600");
    assert.equal(text(h, WSMAN_NS.a, "MessageID"), e.messageId);
    assert.equal(text(h, WSMAN_NS.w, "OperationTimeout"), "PT20S");
    assert.equal(text(h, WSMAN_NS.w, "ResourceURI"), RESOURCE_CMD);
    assert.equal(text(h, WSMAN_NS.a, "Action"), ACTION.create);
    assert.deepEqual(options(h), { WINRS_NOPROFILE: "FALSE", WINRS_CODEPAGE: "65001" });
    assert.equal(first(h, WSMAN_NS.w, "SelectorSet"), undefined, "Create has no ShellId selector");
    const shell = first(root, WSMAN_NS.rsp, "Shell") as XmlNode;
    assert.equal(text(shell, WSMAN_NS.rsp, "InputStreams"), "stdin");
    assert.equal(text(shell, WSMAN_NS.rsp, "OutputStreams"), "stdout stderr");
  });

  it("puts working directory and environment into the Create body", () => {
    const root = parseXml(
      env.createShell(ctx, { workingDirectory: "C:\\Temp", env: { A: "1 & 2" }, codepage: 437 }).xml,
    );
    assert.equal(text(root, WSMAN_NS.rsp, "WorkingDirectory"), "C:\\Temp");
    const variable = first(root, WSMAN_NS.rsp, "Variable") as XmlNode;
    assert.deepEqual([variable.attrs.Name, variable.text], ["A", "1 & 2"]);
    assert.equal(options(header(root)).WINRS_CODEPAGE, "437");
  });

  it("escapes command lines (& < > quotes survive) and selects the shell", () => {
    const line = `cmd /c "echo a & echo <b> 'c'"`;
    const root = parseXml(env.command(ctx, "SHELL-1", line, ["/all"]).xml);
    assert.equal(text(root, WSMAN_NS.rsp, "Command"), line);
    assert.equal(text(root, WSMAN_NS.rsp, "Arguments"), "/all");
    const selector = first(root, WSMAN_NS.w, "Selector") as XmlNode;
    assert.deepEqual([selector.attrs.Name, selector.text], ["ShellId", "SHELL-1"]);
    assert.deepEqual(options(header(root)), { WINRS_CONSOLEMODE_STDIN: "TRUE", WINRS_SKIP_CMD_SHELL: "FALSE" });
  });

  it("builds Send, Receive, Signal and Delete", () => {
    const send = parseXml(env.send(ctx, "S", "C", Buffer.from("data"), true).xml);
    const stream = first(send, WSMAN_NS.rsp, "Stream") as XmlNode;
    assert.deepEqual(stream.attrs, { Name: "stdin", CommandId: "C", End: "true" });
    assert.equal(Buffer.from(stream.text, "base64").toString(), "data");
    const receive = parseXml(env.receive(ctx, "S", "C").xml);
    const desired = first(receive, WSMAN_NS.rsp, "DesiredStream") as XmlNode;
    assert.deepEqual([desired.attrs.CommandId, desired.text], ["C", "stdout stderr"]);
    const signal = parseXml(env.signal(ctx, "S", "C").xml);
    assert.equal(
      text(signal, WSMAN_NS.rsp, "Code"),
      "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate",
    );
    const del = env.deleteShell(ctx, "S");
    assert.equal(del.action, ACTION.delete);
    const body = parseXml(del.xml).children.find((c) => c.name === "Body") as XmlNode;
    assert.equal(body.children.length, 0);
  });

  it("uses a fresh upper-case uuid MessageID per envelope by default", () => {
    const { messageId: _, ...rest } = ctx;
    const a = env.receive(rest, "S", "C").messageId;
    const b = env.receive(rest, "S", "C").messageId;
    assert.match(a, /^uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    assert.notEqual(a, b);
  });
});
