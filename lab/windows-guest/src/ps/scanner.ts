/**
 * Character-level helpers of the PowerShell parser. PowerShell tokenizes
 * differently in command mode (barewords) and expression mode (operators,
 * numbers), so the parser reads the source directly instead of a token list.
 */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly errorId: string,
  ) {
    super(message);
  }
}

const COMPARISON = [
  "eq",
  "ne",
  "gt",
  "ge",
  "lt",
  "le",
  "like",
  "notlike",
  "match",
  "notmatch",
  "contains",
  "notcontains",
  "in",
  "notin",
  "replace",
  "is",
  "isnot",
  "as",
  "split",
  "join",
];
export const COMPARISON_OPS = new Set(COMPARISON.flatMap((op) => [op, `i${op}`, `c${op}`]));

export class Scanner {
  pos = 0;

  constructor(readonly src: string) {}

  get eof(): boolean {
    return this.pos >= this.src.length;
  }

  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  fail(message: string, errorId = "UnexpectedToken", at = this.pos): never {
    throw new ParseError(message, at, errorId);
  }

  /** Spaces, tabs, line continuations (backtick-newline) and comments; never a newline. */
  ws(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\u00a0") this.pos++;
      else if (c === "`" && (this.peek(1) === "\n" || (this.peek(1) === "\r" && this.peek(2) === "\n"))) {
        this.pos += this.peek(1) === "\r" ? 3 : 2;
      } else if (c === "<" && this.peek(1) === "#") {
        const end = this.src.indexOf("#>", this.pos + 2);
        if (end < 0) this.fail("Missing the terminator '#>' for the comment.", "MissingEndOfComment");
        this.pos = end + 2;
      } else if (c === "#") {
        while (!this.eof && this.peek() !== "\n") this.pos++;
      } else return;
    }
  }

  /** Whitespace including newlines (inside parentheses, after operators and commas). */
  wsNl(): void {
    for (;;) {
      this.ws();
      if (this.peek() === "\n" || this.peek() === "\r") this.pos++;
      else return;
    }
  }

  /** Case-insensitive keyword or operator at pos, followed by a non-word character. */
  lookWord(word: string): boolean {
    const slice = this.src.slice(this.pos, this.pos + word.length);
    return slice.toLowerCase() === word && !/[\w-]/.test(this.src[this.pos + word.length] ?? "");
  }

  /** `-op` in expression mode; returns the lower-case operator name without the dash. */
  readOperator(ops: Set<string>): string | undefined {
    if (this.peek() !== "-" && this.peek() !== "\u2013") return undefined;
    const m = /^[-\u2013]([a-zA-Z]+)/.exec(this.src.slice(this.pos, this.pos + 20));
    if (!m?.[1] || !ops.has(m[1].toLowerCase())) return undefined;
    if (/[\w]/.test(this.src[this.pos + m[0].length] ?? "")) return undefined;
    this.pos += m[0].length;
    return m[1].toLowerCase();
  }

  readNumber(): number | undefined {
    const m = /^(0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)(kb|mb|gb|tb|l|d)?(?![\w.])/i.exec(
      this.src.slice(this.pos),
    );
    if (!m?.[1]) return undefined;
    this.pos += m[0].length;
    const base = m[1].toLowerCase().startsWith("0x") ? Number.parseInt(m[1], 16) : Number(m[1]);
    const unit = (m[2] ?? "").toLowerCase();
    const mult = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 }[unit] ?? 1;
    return base * mult;
  }

  /** 'literal' with '' escaping (typographic single quotes count too). */
  readSingleQuoted(): string {
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      if (this.eof) this.fail("The string is missing the terminator: '.", "TerminatorExpectedAtEndOfString", start);
      const c = this.peek();
      if (oneOf(c, "'‘’‚‛")) {
        if (oneOf(this.peek(1), "'‘’‚‛")) {
          out += c;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
  }

  /** @'…'@ and @"…"@: the opening quote ends its line, the closing one starts a line. */
  readHereString(): { text: string; expandable: boolean } {
    const quote = this.peek(1);
    const start = this.pos;
    const open = this.src.indexOf("\n", this.pos);
    if (open < 0 || this.src.slice(this.pos + 2, open).trim() !== "") {
      this.fail(
        "No characters are allowed after a here-string header but before the end of the line.",
        "UnexpectedCharactersAfterHereStringHeader",
      );
    }
    const closeRe = new RegExp(`\\r?\\n${quote}@`, "g");
    closeRe.lastIndex = open;
    const close = closeRe.exec(this.src);
    if (!close) this.fail(`The string is missing the terminator: ${quote}@.`, "TerminatorExpectedAtEndOfString", start);
    const text = this.src.slice(open + 1, close.index).replace(/\r$/, "");
    this.pos = close.index + close[0].length;
    return { text, expandable: quote === '"' };
  }

  /** A command-mode bareword: everything up to whitespace or a token that ends an argument. */
  readBareword(): string {
    const start = this.pos;
    while (!this.eof) {
      const c = this.peek();
      if (/[\s;|(){},]/.test(c) || c === "\u00a0") break;
      if (c === "`" && this.peek(1) !== "\n") {
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    if (this.pos === start) this.fail(`Unexpected token '${this.peek()}' in expression or statement.`);
    return this.src.slice(start, this.pos).replace(/`(.)/g, "$1");
  }

  /** Position → "line:col" (1-based) and the text of that line, for error messages. */
  static where(src: string, offset: number): { line: number; col: number; text: string } {
    const before = src.slice(0, offset);
    const line = before.split("\n").length;
    const lineStart = before.lastIndexOf("\n") + 1;
    const lineEnd = src.indexOf("\n", offset);
    return {
      line,
      col: offset - lineStart + 1,
      text: src.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).replace(/\r$/, ""),
    };
  }
}

/** `c` is one of the characters of `set` (never true for "" at the end of input). */
export const oneOf = (c: string, set: string): boolean => c !== "" && set.includes(c);

/** Backtick escapes of double-quoted strings. */
export const ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  "0": "\0",
  a: "\u0007",
  b: "\b",
  f: "\f",
  v: "\v",
  e: "\u001b",
};
