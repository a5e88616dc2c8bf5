import { parseXml, type XmlNode } from "../../vsphere/soap/xml";

/**
 * PowerShell started with -EncodedCommand writes its error, warning, verbose
 * and progress streams to stderr as CLIXML ("#< CLIXML" then <Objs>…).
 * `decodeClixml` turns that into the text a console would have shown:
 * error records as their text, warnings/verbose/debug/information prefixed
 * like the console does, progress records dropped. Anything that is not
 * CLIXML passes through unchanged.
 */
const MARKER = "#< CLIXML";
const PREFIX: Record<string, string> = { warning: "WARNING: ", verbose: "VERBOSE: ", debug: "DEBUG: " };

/** XmlConvert's `_xHHHH_` escapes (and `_xHHHHHHHH_` for astral characters). */
export function unescapePsString(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8})_/g, (_, hex: string) =>
    String.fromCodePoint(parseInt(hex, 16)),
  );
}

/** The inverse, as PowerShell writes it: control characters (CR, LF, TAB included) and literal "_x" sequences escaped. */
export function escapePsString(text: string): string {
  let out = "";
  for (const ch of text.replace(/_(?=x[0-9A-Fa-f]{4}_)/g, "_x005F_")) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 ? `_x${code.toString(16).toUpperCase().padStart(4, "0")}_` : ch;
  }
  return out;
}

export function isClixml(text: string): boolean {
  return text.trimStart().startsWith(MARKER);
}

export function decodeClixml(stderr: string): string {
  if (!isClixml(stderr)) return stderr;
  const out: string[] = [];
  // Each write may start its own "#< CLIXML" block; every block holds one <Objs> document.
  for (const block of stderr.split(MARKER)) {
    const start = block.indexOf("<Objs");
    const end = block.lastIndexOf("</Objs>");
    if (start < 0 || end < 0) {
      if (block.trim()) out.push(block.trim());
      continue;
    }
    let root: XmlNode;
    try {
      root = parseXml(block.slice(start, end + "</Objs>".length));
    } catch {
      out.push(block.trim());
      continue;
    }
    for (const node of root.children) {
      if (node.name !== "S") continue; // <Obj S="progress"> and other objects carry no console text
      const stream = (node.attrs.S ?? "").toLowerCase();
      const text = unescapePsString(node.text);
      if (stream === "error") out.push(text);
      else if (stream in PREFIX) out.push(`${PREFIX[stream]}${text}`);
      else if (stream === "information" || stream === "") out.push(text);
    }
  }
  return out.join("");
}
