import assert from "node:assert/strict";
import { decodeClixml, escapePsString, unescapePsString } from "./clixml";

const OBJS = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`;

describe("winrm CLIXML stderr", () => {
  it("turns error records into the console text, CRLFs included", () => {
    const stderr = `#< CLIXML\r\n${OBJS}<S S="Error">Get-Foo : The term 'Get-Foo' is not recognized_x000D__x000A_</S><S S="Error">At line:1 char:1_x000D__x000A_</S></Objs>`;
    assert.equal(decodeClixml(stderr), "Get-Foo : The term 'Get-Foo' is not recognized\r\nAt line:1 char:1\r\n");
  });

  it("drops progress records and prefixes warnings like the console", () => {
    const progress = `<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj>`;
    const stderr = `#< CLIXML\r\n${OBJS}${progress}<S S="warning">disk almost full_x000D__x000A_</S></Objs>`;
    assert.equal(decodeClixml(stderr), "WARNING: disk almost full\r\n");
    assert.equal(decodeClixml(`#< CLIXML\r\n${OBJS}${progress}</Objs>`), "");
  });

  it("handles several CLIXML blocks and XML entities", () => {
    const one = `#< CLIXML\r\n${OBJS}<S S="Error">a &lt;b&gt; &amp; c_x000A_</S></Objs>`;
    assert.equal(decodeClixml(one + one), "a <b> & c\na <b> & c\n");
  });

  it("passes plain text through", () => {
    assert.equal(
      decodeClixml("'foo' is not recognized as an internal or external command,\r\n"),
      "'foo' is not recognized as an internal or external command,\r\n",
    );
  });

  it("round-trips PowerShell's _xHHHH_ escaping, literal _x sequences included", () => {
    const text = "tab\there\r\nliteral _x0041_ stays, emoji 😀";
    assert.equal(unescapePsString(escapePsString(text)), text);
    assert.equal(escapePsString("a\r\n"), "a_x000D__x000A_");
  });
});
