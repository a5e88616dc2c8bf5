/**
 * os-release(5): KEY=value lines, values optionally in single or double
 * quotes, no shell expansion; inside double quotes \" \\ \$ \` are escapes.
 */
const LINE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

export function unquoteOsReleaseValue(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) out[match[1]] = unquoteOsReleaseValue(match[2]);
  }
  return out;
}
