import type { CommandArg, Element, Expr, Extent, Pipeline, Statement } from "./ast";
import { COMPARISON_OPS, ESCAPES, oneOf, Scanner } from "./scanner";

/**
 * Recursive-descent parser for the PowerShell subset: statements separated
 * by newlines or `;`, pipelines, assignments, if/elseif/else, foreach,
 * try/catch/finally, exit/return/throw, commands with named, switch
 * (-X:$v) and positional arguments, and expressions (operators, member
 * access, static calls, casts, @(), $(), @{}, script blocks, strings).
 */
export function parseScript(src: string): Statement[] {
  const p = new Parser(src);
  const body = p.statements(null);
  return body;
}

const LOGICAL = new Set(["and", "or", "xor"]);
const UNARY_WORD = new Set(["not", "join", "split"]);
const FORMAT = new Set(["f"]);
const ENDS_COMMAND = /[\r\n;|)}]/;

class Parser extends Scanner {
  statements(end: ")" | "}" | null): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.eof) {
        if (end)
          this.fail(
            `Missing closing '${end}' in statement block or type definition.`,
            end === "}" ? "MissingEndCurlyBrace" : "MissingEndParenthesisInExpression",
          );
        return out;
      }
      if (end && this.peek() === end) return out;
      out.push(this.statement());
      this.ws();
      const c = this.peek();
      if (!this.eof && c !== "\n" && c !== "\r" && c !== ";" && c !== end) {
        this.fail(`Unexpected token '${this.src.slice(this.pos).split(/\s/)[0]}' in expression or statement.`);
      }
    }
  }

  private skipSeparators(): void {
    for (;;) {
      this.wsNl();
      if (this.peek() === ";") this.pos++;
      else return;
    }
  }

  private statement(): Statement {
    const start = this.pos;
    const at = <T extends object>(node: T): T & Extent => ({ ...node, start, end: this.pos });
    if (this.lookWord("if")) return at(this.ifStatement());
    if (this.lookWord("foreach")) return at(this.foreachStatement());
    if (this.lookWord("try")) return at(this.tryStatement());
    for (const kw of ["exit", "return", "throw"] as const) {
      if (this.lookWord(kw)) {
        this.pos += kw.length;
        this.ws();
        const value = this.atStatementEnd() ? undefined : this.pipeline();
        return at({ kind: kw, ...(value ? { value } : {}) });
      }
    }
    if (this.peek() === "$" || this.peek() === "[") {
      const save = this.pos;
      try {
        const target = this.postfix(this.primary());
        this.ws();
        const op =
          this.peek() === "=" && this.peek(1) !== "="
            ? "="
            : this.peek() === "+" && this.peek(1) === "="
              ? "+="
              : undefined;
        if (op && (target.kind === "var" || target.kind === "member" || target.kind === "index")) {
          this.pos += op.length;
          this.wsNl();
          return at({ kind: "assign", target, op, value: this.statement() });
        }
      } catch {
        // not an assignment: parse as a pipeline from the same place
      }
      this.pos = save;
    }
    return at({ kind: "pipeline", pipeline: this.pipeline() });
  }

  private atStatementEnd(): boolean {
    return this.eof || ENDS_COMMAND.test(this.peek());
  }

  private block(): Statement[] {
    this.wsNl();
    if (this.peek() !== "{") this.fail("Missing statement block.", "MissingStatementBlock");
    this.pos++;
    const body = this.statements("}");
    this.pos++;
    return body;
  }

  private condition(): Pipeline {
    this.wsNl();
    if (this.peek() !== "(")
      this.fail("Missing '(' after 'if' in if statement.", "MissingOpenParenthesisInIfStatement");
    this.pos++;
    this.wsNl();
    const cond = this.pipeline();
    this.wsNl();
    if (this.peek() !== ")")
      this.fail("Missing closing ')' after expression in 'if' statement.", "MissingEndParenthesisAfterStatement");
    this.pos++;
    return cond;
  }

  private ifStatement(): Omit<Extract<Statement, { kind: "if" }>, keyof Extent> {
    this.pos += 2;
    const clauses = [{ cond: this.condition(), body: this.block() }];
    let otherwise: Statement[] | undefined;
    for (;;) {
      const save = this.pos;
      this.wsNl();
      if (this.lookWord("elseif")) {
        this.pos += 6;
        clauses.push({ cond: this.condition(), body: this.block() });
      } else if (this.lookWord("else")) {
        this.pos += 4;
        otherwise = this.block();
        break;
      } else {
        this.pos = save;
        break;
      }
    }
    return { kind: "if", clauses, ...(otherwise ? { otherwise } : {}) };
  }

  private foreachStatement(): Omit<Extract<Statement, { kind: "foreach" }>, keyof Extent> {
    this.pos += 7;
    this.wsNl();
    if (this.peek() !== "(")
      this.fail("Missing opening '(' after keyword 'foreach'.", "MissingOpenParenthesisAfterKeyword");
    this.pos++;
    this.wsNl();
    const v = this.primary();
    if (v.kind !== "var") this.fail("Missing variable name after foreach.", "MissingVariableNameAfterForeach");
    this.wsNl();
    if (!this.lookWord("in")) this.fail("Missing 'in' after variable in foreach loop.", "MissingInInForeach");
    this.pos += 2;
    this.wsNl();
    const collection = this.pipeline();
    this.wsNl();
    if (this.peek() !== ")") this.fail("Missing closing ')' in foreach.", "MissingEndParenthesisAfterForeach");
    this.pos++;
    return { kind: "foreach", variable: v.name, collection, body: this.block() };
  }

  private tryStatement(): Omit<Extract<Statement, { kind: "try" }>, keyof Extent> {
    this.pos += 3;
    const body = this.block();
    const catches: { types: string[]; body: Statement[] }[] = [];
    let fin: Statement[] | undefined;
    for (;;) {
      const save = this.pos;
      this.wsNl();
      if (this.lookWord("catch")) {
        this.pos += 5;
        const types: string[] = [];
        for (;;) {
          this.wsNl();
          if (this.peek() !== "[") break;
          const t = this.primary();
          if (t.kind === "type") types.push(t.name);
          this.ws();
          if (this.peek() === ",") this.pos++;
        }
        catches.push({ types, body: this.block() });
      } else if (this.lookWord("finally")) {
        this.pos += 7;
        fin = this.block();
        break;
      } else {
        this.pos = save;
        break;
      }
    }
    if (catches.length === 0 && !fin)
      this.fail("The Try statement is missing its Catch or Finally block.", "MissingCatchOrFinally");
    return { kind: "try", body, catches, ...(fin ? { fin } : {}) };
  }

  pipeline(): Pipeline {
    const start = this.pos;
    const elements = [this.element()];
    for (;;) {
      this.ws();
      if (this.peek() !== "|" || this.peek(1) === "|") break;
      this.pos++;
      this.wsNl();
      if (this.atStatementEnd()) this.fail("An empty pipe element is not allowed.", "EmptyPipeElement");
      elements.push(this.element());
    }
    return { elements, start, end: this.pos };
  }

  private element(): Element {
    this.ws();
    const start = this.pos;
    const c = this.peek();
    if ((c === "&" || c === ".") && /[\s$('"{]/.test(this.peek(1))) {
      this.pos++;
      this.ws();
      const nameStart = this.pos;
      const name = this.postfix(this.primary());
      return this.commandArgs(start, name, { start: nameStart, end: this.pos }, c);
    }
    if (this.startsExpression()) {
      const expr = this.expression();
      return { kind: "expr", expr, start, end: this.pos };
    }
    const name = this.peek() === "'" || this.peek() === '"' ? this.readSingleOrDouble() : this.readBareword();
    return this.commandArgs(start, name, { start, end: this.pos });
  }

  private readSingleOrDouble(): string {
    const e = this.primary();
    return e.kind === "const" && typeof e.value === "string" ? e.value : "";
  }

  private startsExpression(): boolean {
    const c = this.peek();
    if (oneOf(c, "$(@\"'[{!‘’“”")) return true;
    if (/\d/.test(c))
      return /^\d+(\.\d+)?([eE][+-]?\d+)?(kb|mb|gb|tb)?(?=[\s;|)}]|$|[-+*/%,.])/i.test(this.src.slice(this.pos));
    if (c === "-" || c === "\u2013") return /^[-\u2013](\d|not\b|join\b|split\b|\$|\()/i.test(this.src.slice(this.pos));
    return false;
  }

  private commandArgs(start: number, name: string | Expr, nameExtent: Extent, invoke?: "&" | "."): Element {
    const args: CommandArg[] = [];
    for (;;) {
      this.ws();
      if (this.atStatementEnd() || (this.peek() === "|" && this.peek(1) !== "|")) break;
      const argStart = this.pos;
      if ((this.peek() === "-" || this.peek() === "\u2013") && /[A-Za-z_?]/.test(this.peek(1))) {
        const m = /^[-\u2013]([A-Za-z_?][\w-]*)(:?)/.exec(this.src.slice(this.pos)) as RegExpExecArray;
        this.pos += m[0].length;
        const value = m[2] ? this.commandValue() : undefined;
        args.push({
          kind: "param",
          name: m[1] ?? "",
          text: m[0],
          ...(value ? { value } : {}),
          start: argStart,
          end: this.pos,
        });
        continue;
      }
      if (this.peek() === "-" && this.peek(1) === "-" && /\s/.test(this.peek(2))) {
        this.pos += 2;
        continue;
      }
      args.push({ kind: "value", value: this.commandValue(), start: argStart, end: this.pos });
    }
    return { kind: "command", name, args, nameExtent, start, end: this.pos, ...(invoke ? { invoke } : {}) };
  }

  /** One argument value in command mode, with `a,b,c` arrays. */
  private commandValue(): Expr {
    const start = this.pos;
    const first = this.commandAtom();
    this.ws();
    if (this.peek() !== ",") return first;
    const items = [first];
    while (this.peek() === ",") {
      this.pos++;
      this.wsNl();
      items.push(this.commandAtom());
      this.ws();
    }
    return { kind: "array", items, start, end: this.pos };
  }

  private commandAtom(): Expr {
    const start = this.pos;
    const c = this.peek();
    if (oneOf(c, "$(@\"'{‘’“”")) return this.postfix(this.primary());
    const word = this.readBareword();
    if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: "const", value: Number(word), start, end: this.pos };
    return { kind: "const", value: word, start, end: this.pos };
  }

  expression(): Expr {
    return this.binaryLevel(LOGICAL, () => this.binaryLevel(COMPARISON_OPS, () => this.additive()));
  }

  private binaryLevel(ops: Set<string>, next: () => Expr): Expr {
    const start = this.pos;
    let left = next();
    for (;;) {
      const save = this.pos;
      this.ws();
      const op = this.readOperator(ops);
      if (!op) {
        this.pos = save;
        return left;
      }
      this.wsNl();
      left = { kind: "binary", op, left, right: next(), start, end: this.pos };
    }
  }

  private additive(): Expr {
    return this.arith(["+", "-"], () =>
      this.arith(["*", "/", "%"], () => this.binaryLevel(FORMAT, () => this.comma())),
    );
  }

  private arith(ops: string[], next: () => Expr): Expr {
    const start = this.pos;
    let left = next();
    for (;;) {
      const save = this.pos;
      this.ws();
      const c = this.peek();
      // "-eq" and friends are not a minus sign.
      if (!ops.includes(c) || this.peek(1) === "=" || (c === "-" && /[A-Za-z]/.test(this.peek(1)))) {
        this.pos = save;
        return left;
      }
      this.pos++;
      this.wsNl();
      left = { kind: "binary", op: c, left, right: next(), start, end: this.pos };
    }
  }

  private comma(): Expr {
    const start = this.pos;
    const first = this.unary();
    const save = this.pos;
    this.ws();
    if (this.peek() !== ",") {
      this.pos = save;
      return first;
    }
    const items = [first];
    while (this.peek() === ",") {
      this.pos++;
      this.wsNl();
      items.push(this.unary());
      const s = this.pos;
      this.ws();
      if (this.peek() !== ",") this.pos = s;
    }
    return { kind: "array", items, start, end: this.pos };
  }

  private unary(): Expr {
    const start = this.pos;
    if (this.peek() === "!") {
      this.pos++;
      this.ws();
      return { kind: "unary", op: "not", operand: this.unary(), start, end: this.pos };
    }
    const word = this.readOperator(UNARY_WORD);
    if (word) {
      this.wsNl();
      return { kind: "unary", op: word, operand: this.unary(), start, end: this.pos };
    }
    if ((this.peek() === "-" || this.peek() === "+") && !/\d/.test(this.peek(1))) {
      const op = this.peek();
      this.pos++;
      return { kind: "unary", op, operand: this.unary(), start, end: this.pos };
    }
    if (this.peek() === "-" && /\d/.test(this.peek(1))) {
      this.pos++;
      const n = this.readNumber();
      if (n === undefined) this.fail("Missing expression after unary operator '-'.", "MissingExpressionAfterOperator");
      return this.postfix({ kind: "const", value: -n, start, end: this.pos });
    }
    const operand = this.postfix(this.primary());
    if (operand.kind === "type") {
      const save = this.pos;
      this.ws();
      if (!this.eof && /[$('"@\d[-]/.test(this.peek()) && !this.readOperator(COMPARISON_OPS)) {
        return { kind: "cast", type: operand.name, operand: this.unary(), start, end: this.pos };
      }
      this.pos = save;
    }
    return operand;
  }

  postfix(expr: Expr): Expr {
    let e = expr;
    for (;;) {
      const start = e.start;
      const c = this.peek();
      if (c === "." && /[A-Za-z_$'"]/.test(this.peek(1))) {
        this.pos++;
        e = this.memberAccess(e, false, start);
      } else if (c === ":" && this.peek(1) === ":") {
        this.pos += 2;
        e = this.memberAccess(e, true, start);
      } else if (c === "[" && e.kind !== "type") {
        this.pos++;
        this.wsNl();
        const index = this.expression();
        this.wsNl();
        if (this.peek() !== "]")
          this.fail("Array index expression is missing or not valid.", "MissingArrayIndexExpression");
        this.pos++;
        e = { kind: "index", target: e, index, start, end: this.pos };
      } else return e;
    }
  }

  private memberAccess(target: Expr, isStatic: boolean, start: number): Expr {
    const nameStart = this.pos;
    let name: Expr;
    if (this.peek() === "$" || this.peek() === "'" || this.peek() === '"') name = this.primary();
    else {
      const m = /^[A-Za-z_][\w]*/.exec(this.src.slice(this.pos));
      if (!m) this.fail("Missing property name after reference operator.", "MissingPropertyName");
      this.pos += m[0].length;
      name = { kind: "const", value: m[0], start: nameStart, end: this.pos };
    }
    if (this.peek() !== "(") return { kind: "member", target, name, isStatic, start, end: this.pos };
    this.pos++;
    const args: Expr[] = [];
    this.wsNl();
    while (this.peek() !== ")") {
      args.push(this.unaryNoComma());
      this.wsNl();
      if (this.peek() === ",") {
        this.pos++;
        this.wsNl();
      } else if (this.peek() !== ")") this.fail("Missing ')' in method call.", "MissingEndParenthesisInMethodCall");
    }
    this.pos++;
    return { kind: "member", target, name, isStatic, args, start, end: this.pos };
  }

  /** A method argument: a full expression without the comma operator (commas separate arguments). */
  private unaryNoComma(): Expr {
    return this.binaryLevel(LOGICAL, () =>
      this.binaryLevel(COMPARISON_OPS, () =>
        this.arith(["+", "-"], () => this.arith(["*", "/", "%"], () => this.unary())),
      ),
    );
  }

  primary(): Expr {
    const start = this.pos;
    const c = this.peek();
    const done = <T extends object>(node: T): T & Extent => ({ ...node, start, end: this.pos });
    if (c === "$") return this.variable();
    if (c === "@" && this.peek(1) === "(") {
      this.pos += 2;
      const body = this.statements(")");
      this.pos++;
      return done({ kind: "sub", body, forceArray: true });
    }
    if (c === "@" && this.peek(1) === "{") return this.hashtable();
    if (c === "@" && (this.peek(1) === '"' || this.peek(1) === "'")) {
      const h = this.readHereString();
      return h.expandable
        ? done({ kind: "string", parts: this.expand(h.text, start) })
        : done({ kind: "const", value: h.text });
    }
    if (c === "(") {
      this.pos++;
      this.wsNl();
      const inner = this.statement();
      this.wsNl();
      if (this.peek() !== ")") this.fail("Missing closing ')' in expression.", "MissingEndParenthesisInExpression");
      this.pos++;
      return done({ kind: "sub", body: [inner], forceArray: false });
    }
    if (oneOf(c, "'‘’")) return done({ kind: "const", value: this.readSingleQuoted() });
    if (oneOf(c, '"“”')) return this.doubleQuoted();
    if (c === "{") {
      this.pos++;
      const body = this.statements("}");
      const text = this.src.slice(start + 1, this.pos);
      this.pos++;
      return done({ kind: "block", body, text });
    }
    if (c === "[") {
      let depth = 0;
      let i = this.pos;
      for (; i < this.src.length; i++) {
        if (this.src[i] === "[") depth++;
        else if (this.src[i] === "]" && --depth === 0) break;
      }
      const name = this.src.slice(this.pos + 1, i).trim();
      if (i >= this.src.length || !/^[\w.`[\], ]+$/.test(name))
        this.fail("Missing type name after '['.", "MissingTypename");
      this.pos = i + 1;
      return done({ kind: "type", name });
    }
    const n = this.readNumber();
    if (n !== undefined) return done({ kind: "const", value: n });
    if (this.eof || /[\r\n;)}]/.test(c))
      this.fail("You must provide a value expression following the operator.", "ExpectedValueExpression");
    return this.fail(`Unexpected token '${this.src.slice(this.pos).split(/[\s;)]/)[0]}' in expression or statement.`);
  }

  private variable(): Expr {
    const start = this.pos;
    this.pos++;
    if (this.peek() === "(") {
      this.pos++;
      const body = this.statements(")");
      this.pos++;
      return { kind: "sub", body, forceArray: false, start, end: this.pos };
    }
    let name: string;
    if (this.peek() === "{") {
      const end = this.src.indexOf("}", this.pos);
      if (end < 0) this.fail("Missing '}' in variable name.", "MissingEndCurlyBrace");
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      const m = /^(?:[\w]+:(?!:)[\w]+|[\w]+|[?$^_])/.exec(this.src.slice(this.pos));
      if (!m)
        this.fail(
          "Variable reference is not valid. '$' was not followed by a valid variable name character.",
          "InvalidVariableReference",
        );
      name = m[0];
      this.pos += name.length;
    }
    return { kind: "var", name, start, end: this.pos };
  }

  private hashtable(): Expr {
    const start = this.pos;
    this.pos += 2;
    const entries: { key: Expr; value: Statement }[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.peek() === "}") break;
      if (this.eof) this.fail("Missing closing '}' in hash literal.", "MissingEndCurlyBrace");
      const keyStart = this.pos;
      const key: Expr = /[$('"@]/.test(this.peek())
        ? this.primary()
        : { kind: "const", value: this.readKey(), start: keyStart, end: this.pos };
      this.ws();
      if (this.peek() !== "=")
        this.fail("Missing '=' operator after key in hash literal.", "MissingEqualsInHashLiteral");
      this.pos++;
      this.wsNl();
      entries.push({ key, value: this.statement() });
    }
    this.pos++;
    return { kind: "hash", entries, start, end: this.pos };
  }

  private readKey(): string {
    const m = /^[^\s=;}]+/.exec(this.src.slice(this.pos));
    if (!m) this.fail("Missing key before '=' in hash literal.", "MissingHashKey");
    this.pos += m[0].length;
    return m[0];
  }

  private doubleQuoted(): Expr {
    const start = this.pos;
    this.pos++;
    let raw = "";
    for (;;) {
      if (this.eof) this.fail('The string is missing the terminator: ".', "TerminatorExpectedAtEndOfString", start);
      const c = this.peek();
      if (c === "`") {
        raw += c + this.peek(1);
        this.pos += 2;
      } else if (oneOf(c, '"“”')) {
        if (this.peek(1) === '"') {
          raw += '`"';
          this.pos += 2;
          continue;
        }
        this.pos++;
        break;
      } else if (c === "$" && this.peek(1) === "(") {
        // Keep $( … ) intact, nested quotes included.
        const subStart = this.pos;
        this.pos += 2;
        this.statements(")");
        this.pos++;
        raw += this.src.slice(subStart, this.pos);
      } else {
        raw += c;
        this.pos++;
      }
    }
    return { kind: "string", parts: this.expand(raw, start + 1), start, end: this.pos };
  }

  /** Splits expandable text into literal pieces, $var and $(…) parts; handles backtick escapes. */
  private expand(text: string, offset: number): (string | Expr)[] {
    const parts: (string | Expr)[] = [];
    let lit = "";
    for (let i = 0; i < text.length; ) {
      const c = text[i] ?? "";
      if (c === "`" && i + 1 < text.length) {
        const n = text[i + 1] ?? "";
        lit += ESCAPES[n] ?? n;
        i += 2;
      } else if (c === "$" && /[\w{(?_$]/.test(text[i + 1] ?? "")) {
        if (lit) parts.push(lit);
        lit = "";
        const sub = new Parser(text);
        sub.pos = i;
        const e = sub.variable();
        parts.push({ ...e, start: e.start + offset, end: e.end + offset });
        i = sub.pos;
      } else {
        lit += c;
        i++;
      }
    }
    if (lit || parts.length === 0) parts.push(lit);
    return parts;
  }
}
