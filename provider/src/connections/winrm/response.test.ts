import assert from "node:assert/strict";
import { isPodError } from "../../common/errors";
import { faultError, isWsmanFault } from "./faults";
import { WSMAN_FAULT } from "./namespaces";
import { parseResponse, readCommandId, readReceive, readShellId } from "./response";

// Shaped like Windows Server replies (element order, prefixes, whitespace and the
// duplicated rsp namespace declaration are what Windows sends); ids are made up.
const ENV_OPEN = `<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell" xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd">`;
const head = (action: string) =>
  `<s:Header><a:Action>${action}</a:Action><a:MessageID>uuid:0F0E0D0C-0B0A-0908-0706-050403020100</a:MessageID><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>uuid:AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE</a:RelatesTo></s:Header>`;

const CREATED = `${ENV_OPEN}
  ${head("http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse")}
  <s:Body>
    <x:ResourceCreated>
      <a:Address>http://192.0.2.10:5985/wsman</a:Address>
      <a:ReferenceParameters>
        <w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>
        <w:SelectorSet><w:Selector Name="ShellId">5A1F0E2B-9C3D-4E5F-8A7B-6C5D4E3F2A1B</w:Selector></w:SelectorSet>
      </a:ReferenceParameters>
    </x:ResourceCreated>
    <rsp:Shell xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">
      <rsp:ShellId>5A1F0E2B-9C3D-4E5F-8A7B-6C5D4E3F2A1B</rsp:ShellId>
      <rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut>
    </rsp:Shell>
  </s:Body>
</s:Envelope>`;

const stream = (name: string, text: string, end = false) =>
  `<rsp:Stream Name="${name}" CommandId="C0FFEE00-1111-2222-3333-444455556666"${end ? ' End="true"' : ""}>${Buffer.from(text).toString("base64")}</rsp:Stream>`;
const receive = (inner: string) =>
  `${ENV_OPEN}${head("http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse")}<s:Body><rsp:ReceiveResponse>${inner}</rsp:ReceiveResponse></s:Body></s:Envelope>`;
const STATE = (state: "Running" | "Done", exit?: string) =>
  `<rsp:CommandState CommandId="C0FFEE00-1111-2222-3333-444455556666" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/${state}">${exit === undefined ? "" : `<rsp:ExitCode>${exit}</rsp:ExitCode>`}</rsp:CommandState>`;

const TIMED_OUT = `<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">${head("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault")}<s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  </s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2150858793" Machine="192.0.2.10"><f:Message>The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  </f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>`;

describe("winrm response parser", () => {
  it("reads the ShellId selector and the addressing header of a CreateResponse", () => {
    const res = parseResponse(CREATED);
    assert.equal(readShellId(res), "5A1F0E2B-9C3D-4E5F-8A7B-6C5D4E3F2A1B");
    assert.equal(res.action, "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse");
    assert.equal(res.relatesTo, "uuid:AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE");
  });

  it("falls back to rsp:ShellId (lenient peers such as winrmtest)", () => {
    const bare = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><rsp:ShellId xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">123</rsp:ShellId></s:Body></s:Envelope>`;
    assert.equal(readShellId(parseResponse(bare)), "123");
  });

  it("reads a CommandId, whatever the prefixes", () => {
    const xml = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><shell:CommandResponse xmlns:shell="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><shell:CommandId>C-1</shell:CommandId></shell:CommandResponse></env:Body></env:Envelope>`;
    assert.equal(readCommandId(parseResponse(xml)), "C-1");
  });

  it("concatenates streams in order and sees Running, then Done with the exit code", () => {
    const cid = "C0FFEE00-1111-2222-3333-444455556666";
    const running = readReceive(
      parseResponse(receive(stream("stdout", "ab") + stream("stderr", "E") + stream("stdout", "c") + STATE("Running"))),
      cid,
    );
    assert.deepEqual([running.stdout.toString(), running.stderr.toString(), running.done], ["abc", "E", false]);
    const done = readReceive(
      parseResponse(receive(stream("stdout", "", true) + stream("stderr", "", true) + STATE("Done", "3"))),
      cid,
    );
    assert.deepEqual([done.stdout.length, done.done, done.exitCode], [0, true, 3]);
  });

  it("keeps negative exit codes signed (Windows sends them as unsigned 32-bit)", () => {
    const done = readReceive(
      parseResponse(receive(STATE("Done", "4294967295"))),
      "c0ffee00-1111-2222-3333-444455556666",
    );
    assert.equal(done.exitCode, -1);
  });

  it("parses the OperationTimeout fault into a recognizable PodError", () => {
    const res = parseResponse(TIMED_OUT);
    assert.ok(res.fault);
    assert.equal(res.fault.subcode, "w:TimedOut");
    assert.equal(res.fault.wsmanCode, WSMAN_FAULT.operationTimeout);
    const error = faultError(res.fault, "Receive", "192.0.2.10:5985", 500);
    assert.ok(isPodError(error, "PROTOCOL_ERROR"));
    assert.ok(isWsmanFault(error, WSMAN_FAULT.operationTimeout));
    assert.match(error.message, /OperationTimeout.*WSManFault 2150858793/);
  });

  it("refuses what is not a SOAP 1.2 envelope", () => {
    assert.throws(
      () => parseResponse("<html><body>proxy error</body></html>"),
      (e: unknown) => isPodError(e, "PROTOCOL_ERROR"),
    );
    assert.throws(
      () => parseResponse("not xml <"),
      (e: unknown) => isPodError(e, "PROTOCOL_ERROR"),
    );
  });
});
