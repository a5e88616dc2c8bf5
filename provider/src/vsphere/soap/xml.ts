import { SaxesParser, type SaxesTagNS } from "saxes";
import { PodError } from "../../common/errors";

export const NS = {
  soapenv: "http://schemas.xmlsoap.org/soap/envelope/",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  xsd: "http://www.w3.org/2001/XMLSchema",
  vim25: "urn:vim25",
} as const;

/** A parsed element. `xsiType` is resolved by namespace URI, never by prefix. */
export interface XmlNode {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  xsiType?: { ns: string; name: string };
  nil: boolean;
  children: XmlNode[];
  text: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Parses a document into a tree of namespace-resolved nodes. */
export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  const scopes: Record<string, string>[] = [];
  let root: XmlNode | undefined;

  const resolvePrefix = (prefix: string): string | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const uri = scopes[i]?.[prefix];
      if (uri !== undefined) return uri;
    }
    return prefix === "xsd" ? NS.xsd : undefined;
  };

  parser.on("opentag", (tag: SaxesTagNS) => {
    scopes.push(tag.ns);
    const node: XmlNode = { ns: tag.uri, name: tag.local, attrs: {}, nil: false, children: [], text: "" };
    for (const attr of Object.values(tag.attributes)) {
      if (attr.uri === NS.xsi && attr.local === "type") {
        const [prefix, local] = attr.value.includes(":") ? attr.value.split(":", 2) : ["", attr.value];
        node.xsiType = { ns: resolvePrefix(prefix ?? "") ?? "", name: local ?? "" };
      } else if (attr.uri === NS.xsi && attr.local === "nil") {
        node.nil = attr.value === "true";
      } else if (attr.uri === "" || attr.uri === undefined) {
        node.attrs[attr.local] = attr.value;
      }
    }
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on("text", (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on("closetag", () => {
    stack.pop();
    scopes.pop();
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    throw new PodError("PROTOCOL_ERROR", `The server sent XML that does not parse: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!root) throw new PodError("PROTOCOL_ERROR", "The server sent an empty XML document.");
  return root;
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}
