import { escapePsString } from "../../../provider/src/connections/winrm/clixml";

/**
 * powershell.exe -EncodedCommand serializes its non-output streams to stderr
 * as CLIXML: "#< CLIXML" once, then one <Objs> document whose children are
 * written as they happen (<S S="Error"> per error line, progress records as
 * <Obj S="progress">), closed when the process ends.
 */
const XML_ESCAPE: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const xml = (text: string): string => escapePsString(text).replace(/[&<>"]/g, (c) => XML_ESCAPE[c] ?? c);

export class ClixmlWriter {
  #open = false;
  #refId = 0;

  constructor(private readonly write: (text: string) => void) {}

  #start(): void {
    if (this.#open) return;
    this.#open = true;
    this.write('#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">');
  }

  /** Text of one stream, one <S> per line as the console host writes it. */
  stream(kind: "Error" | "warning" | "verbose" | "debug" | "information", text: string): void {
    this.#start();
    for (const line of text.split(/(?<=\r\n)/))
      if (line) this.write(`<S S="${kind}">${xml(line.endsWith("\r\n") ? line : `${line}\r\n`)}</S>`);
  }

  progress(activity: string): void {
    this.#start();
    const ref = this.#refId++;
    const tn =
      ref === 0
        ? '<TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN>'
        : '<TNRef RefId="0" />';
    this.write(
      `<Obj S="progress" RefId="${ref}">${tn}<MS><I64 N="SourceId">1</I64><PR N="Record"><AV>${xml(activity)}</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj>`,
    );
  }

  close(): void {
    if (this.#open) this.write("</Objs>");
    this.#open = false;
  }
}
