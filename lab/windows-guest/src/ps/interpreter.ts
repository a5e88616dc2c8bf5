import type { Machine } from "../machine";
import type { CommandArg, Element, Expr, Pipeline, Statement } from "./ast";
import { type Bound, bind, type ParamSpec } from "./binder";
import {
  type ErrorPosition,
  ErrorRecord,
  ExitSignal,
  notRecognized,
  PSRuntimeError,
  ReturnSignal,
  StoppedSignal,
} from "./errors";
import { formatOutput } from "./format";
import { callMethod } from "./methods";
import { binary, convertTo, toNumber } from "./operators";
import { parseScript } from "./parser";
import { ParseError, Scanner } from "./scanner";
import { getStatic } from "./statics";
import {
  collapse,
  enumerate,
  getMember,
  Hashtable,
  isTrue,
  PSObject,
  type PSValue,
  ScriptBlock,
  TypeRef,
  toText,
  version,
} from "./values";

/**
 * Runs the PowerShell subset against a Machine. Output of each top-level
 * statement goes through Out-Default (formatted text) as it is produced;
 * errors go to the host's error stream; `exit N` ends the script with N.
 * Everything is async so Start-Sleep, stdin reads and the WinRS terminate
 * signal behave as on a real guest.
 */
export interface PSHost {
  machine: Machine;
  /** Formatted output text (stdout). */
  write(text: string): void;
  writeError(record: ErrorRecord): void;
  writeStream(kind: "warning" | "verbose" | "debug" | "information", text: string): void;
  writeProgress(activity: string): void;
  readStdin(): Promise<string>;
  signal: AbortSignal;
  nonInteractive: boolean;
  /** Programs other than cmdlets (hostname.exe, whoami.exe, cmd.exe …); undefined when unknown. */
  runExternal(name: string, args: string[]): Promise<{ stdout: string; exitCode: number } | undefined>;
}

export interface Invocation {
  name: string;
  bound: Bound;
  get(name: string): PSValue | undefined;
  has(name: string): boolean;
  input: PSValue[];
  piped: boolean;
  interp: Interpreter;
  machine: Machine;
  position: ErrorPosition;
  /** A non-terminating error (honours -ErrorAction and $ErrorActionPreference). */
  error(message: string, options?: ConstructorParameters<typeof ErrorRecord>[1]): void;
  /** A terminating error for the statement. */
  fail(message: string, options?: ConstructorParameters<typeof ErrorRecord>[1]): never;
  /** ConfirmImpact=High cmdlets: true with -Confirm:$false; otherwise the NonInteractive prompt error. */
  confirmed(): boolean;
}

export interface Cmdlet {
  name: string;
  params: ParamSpec[];
  /** Module name: its first use shows "Preparing modules for first use." progress, as on Windows. */
  module?: string;
  run(inv: Invocation): Promise<PSValue[]> | PSValue[];
}

type Emit = (values: PSValue[]) => void;

export class Interpreter {
  readonly vars = new Map<string, PSValue>();
  readonly env = new Map<string, { name: string; value: string }>();
  #src = "";
  #failed = false;
  #tryDepth = 0;
  #modules = new Set<string>();

  constructor(
    readonly host: PSHost,
    readonly cmdlets: Map<string, Cmdlet>,
    readonly aliases: Map<string, string>,
    env: Record<string, string>,
  ) {
    for (const [k, v] of Object.entries(env)) this.env.set(k.toLowerCase(), { name: k, value: v });
    this.vars.set("erroractionpreference", "Continue");
    this.vars.set("progresspreference", "Continue");
    this.vars.set("confirmpreference", "High");
    this.vars.set("lastexitcode", null);
    this.vars.set("psversiontable", psVersionTable(host.machine));
  }

  get machine(): Machine {
    return this.host.machine;
  }

  /** Parses and runs a script; returns powershell.exe's exit code for -Command/-EncodedCommand. */
  async run(src: string): Promise<number> {
    let body: Statement[];
    try {
      body = parseScript(src);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      this.host.writeError(parseErrorRecord(src, error));
      return 1;
    }
    try {
      await this.runTopLevel(body, src);
    } catch (error) {
      if (error instanceof ExitSignal) return error.code;
      if (error instanceof PSRuntimeError) {
        this.host.writeError(error.record);
        return 1;
      }
      throw error;
    }
    return this.#failed ? 1 : 0;
  }

  /** Dot-sources statements at top level: each statement's output is formatted as soon as it is done. */
  async runTopLevel(body: Statement[], src: string): Promise<void> {
    const emit: Emit = (values) => {
      const text = formatOutput(values);
      if (text) this.host.write(text);
    };
    await this.#withSource(src, () => this.#statements(body, emit));
  }

  /** Runs a script block and returns its output (Where-Object, ForEach-Object, & { }). */
  async invokeBlock(block: ScriptBlock, dollarUnder?: PSValue): Promise<PSValue[]> {
    const out: PSValue[] = [];
    const saved = this.vars.get("_");
    if (dollarUnder !== undefined) {
      this.vars.set("_", dollarUnder);
      this.vars.set("psitem", dollarUnder);
    }
    try {
      await this.#withSource(block.src, () => this.#statements(block.body, (v) => out.push(...v)));
    } catch (error) {
      if (!(error instanceof ReturnSignal)) throw error;
      out.push(...error.values);
    } finally {
      if (dollarUnder !== undefined) {
        this.vars.set("_", saved ?? null);
        this.vars.set("psitem", saved ?? null);
      }
    }
    return out;
  }

  parseBlock(src: string): ScriptBlock {
    try {
      return new ScriptBlock(parseScript(src), src, src);
    } catch (error) {
      if (error instanceof ParseError) throw new PSRuntimeError(parseErrorRecord(src, error));
      throw error;
    }
  }

  getVar(name: string): PSValue {
    const n = name.toLowerCase().replace(/^(global|script|local|private):/, "");
    if (n.startsWith("env:")) return this.env.get(n.slice(4))?.value ?? null;
    switch (n) {
      case "true":
        return true;
      case "false":
        return false;
      case "null":
        return null;
      case "?":
        return !this.#failed;
      case "pid":
        return process.pid;
      case "home":
        return "C:\\Users\\Administrator";
      case "pwd":
        return "C:\\Users\\Administrator";
    }
    return this.vars.get(n) ?? null;
  }

  setVar(name: string, value: PSValue): void {
    const n = name.toLowerCase().replace(/^(global|script|local|private):/, "");
    if (n === "null") return;
    if (n.startsWith("env:")) {
      const key = n.slice(4);
      if (value === null || value === "") this.env.delete(key);
      else this.env.set(key, { name: name.slice(name.indexOf(":") + 1), value: toText(value) });
      return;
    }
    if (n === "true" || n === "false") {
      throw this.runtimeError(
        `Cannot overwrite variable ${name} because it is read-only or constant.`,
        "VariableNotWritable",
      );
    }
    this.vars.set(n, value);
  }

  runtimeError(
    message: string,
    errorId: string,
    extra: ConstructorParameters<typeof ErrorRecord>[1] = {},
  ): PSRuntimeError {
    return new PSRuntimeError(
      new ErrorRecord(message, { errorId, category: "InvalidOperation", noPrefix: true, ...extra }),
    );
  }

  /** A non-terminating error, routed by -ErrorAction / $ErrorActionPreference. */
  writeNonTerminating(record: ErrorRecord, errorAction?: string): void {
    this.#failed = true;
    const pref = (errorAction ?? toText(this.getVar("ErrorActionPreference"))).toLowerCase();
    if (pref === "stop") {
      const error = new PSRuntimeError(record);
      error.scriptTerminating = true;
      throw error;
    }
    if (pref === "silentlycontinue" || pref === "ignore") return;
    this.host.writeError(record);
  }

  async #withSource<T>(src: string, fn: () => Promise<T>): Promise<T> {
    const saved = this.#src;
    this.#src = src;
    try {
      return await fn();
    } finally {
      this.#src = saved;
    }
  }

  #position(extent: { start: number; end: number }): ErrorPosition {
    return { src: this.#src, start: extent.start, end: extent.end };
  }

  async #statements(body: Statement[], emit: Emit): Promise<void> {
    for (const stmt of body) {
      if (this.host.signal.aborted) throw new StoppedSignal();
      this.#failed = false;
      try {
        await this.#statement(stmt, emit);
      } catch (error) {
        // A statement-terminating error ends only its statement, unless a try block or
        // $ErrorActionPreference = 'Stop' wants it.
        if (!(error instanceof PSRuntimeError)) throw error;
        const stop = toText(this.getVar("ErrorActionPreference")).toLowerCase() === "stop";
        if (this.#tryDepth > 0 || stop || error.scriptTerminating) throw error;
        this.#failed = true;
        this.host.writeError(error.record.withPosition(this.#position(stmt)));
      }
    }
  }

  async #statement(stmt: Statement, emit: Emit): Promise<void> {
    switch (stmt.kind) {
      case "pipeline": {
        // `. $block` / `& $block` alone in a statement: stream its output (so output before an `exit` is kept).
        const only = stmt.pipeline.elements.length === 1 ? stmt.pipeline.elements[0] : undefined;
        if (only?.kind === "command" && typeof only.name !== "string" && only.args.length === 0) {
          const target = await this.evalExpr(only.name);
          if (target instanceof ScriptBlock) {
            try {
              await this.#withSource(target.src, () => this.#statements(target.body, emit));
            } catch (error) {
              if (!(error instanceof ReturnSignal)) throw error;
              emit(error.values);
            }
            return;
          }
        }
        emit(await this.#pipeline(stmt.pipeline));
        return;
      }
      case "assign": {
        let value: PSValue;
        const v = stmt.value;
        if (v.kind === "pipeline" && v.pipeline.elements.length === 1 && v.pipeline.elements[0]?.kind === "expr") {
          value = await this.evalExpr(v.pipeline.elements[0].expr);
        } else {
          const out: PSValue[] = [];
          await this.#statement(v, (x) => out.push(...x));
          value = collapse(out);
        }
        if (stmt.op === "+=") value = binary("+", await this.evalExpr(stmt.target), value);
        await this.#assign(stmt.target, value);
        return;
      }
      case "if":
        for (const clause of stmt.clauses) {
          if (isTrue(collapse(await this.#pipeline(clause.cond)))) return this.#statements(clause.body, emit);
        }
        if (stmt.otherwise) await this.#statements(stmt.otherwise, emit);
        return;
      case "foreach": {
        const items = await this.#pipeline(stmt.collection);
        for (const item of items) {
          this.setVar(stmt.variable, item);
          await this.#statements(stmt.body, emit);
        }
        return;
      }
      case "exit": {
        const value = stmt.value ? collapse(await this.#pipeline(stmt.value)) : 0;
        throw new ExitSignal(toNumber(value) | 0);
      }
      case "return":
        throw new ReturnSignal(stmt.value ? await this.#pipeline(stmt.value) : []);
      case "throw": {
        const value = stmt.value ? collapse(await this.#pipeline(stmt.value)) : "ScriptHalted";
        const message = toText(value);
        const error = new PSRuntimeError(
          new ErrorRecord(message, {
            exception: "RuntimeException",
            category: "OperationStopped",
            targetName: message,
            errorId: message,
            noPrefix: true,
            position: this.#position(stmt),
          }),
        );
        error.scriptTerminating = true;
        throw error;
      }
      case "try":
        try {
          this.#tryDepth++;
          try {
            await this.#statements(stmt.body, emit);
          } finally {
            this.#tryDepth--;
          }
        } catch (error) {
          if (!(error instanceof PSRuntimeError)) throw error;
          const handler = stmt.catches.find(
            (c) => c.types.length === 0 || c.types.some((t) => catches(t, error.record.exception)),
          );
          if (!handler) throw error;
          const saved = this.vars.get("_");
          this.vars.set("_", error.record.toObject());
          try {
            await this.#statements(handler.body, emit);
          } finally {
            this.vars.set("_", saved ?? null);
          }
        } finally {
          if (stmt.fin) await this.#statements(stmt.fin, emit);
        }
        return;
    }
  }

  async #assign(target: Expr, value: PSValue): Promise<void> {
    if (target.kind === "var") return this.setVar(target.name, value);
    if (target.kind === "member") {
      const obj = await this.evalExpr(target.target);
      const name = toText(await this.evalExpr(target.name));
      if (obj instanceof PSObject) return obj.set(name, value);
      if (obj instanceof Hashtable) return obj.set(name, value);
      throw this.runtimeError(
        `The property '${name}' cannot be found on this object. Verify that the property exists and can be set.`,
        "PropertyAssignmentException",
      );
    }
    if (target.kind === "index") {
      const obj = await this.evalExpr(target.target);
      const index = await this.evalExpr(target.index);
      if (obj instanceof Hashtable) return obj.set(index, value);
      if (Array.isArray(obj)) {
        const i = toNumber(index);
        if (i < 0 || i >= obj.length)
          throw this.runtimeError("Index was outside the bounds of the array.", "IndexOutOfRange");
        obj[i] = value;
        return;
      }
    }
    throw this.runtimeError("The assignment expression is not valid.", "InvalidLeftHandSide");
  }

  async #pipeline(p: Pipeline): Promise<PSValue[]> {
    let input: PSValue[] | undefined;
    for (const el of p.elements) {
      if (el.kind === "expr") {
        if (input !== undefined)
          throw this.runtimeError(
            "Expressions are only allowed as the first element of a pipeline.",
            "ExpressionsMustBeFirstInPipeline",
          );
        const value = await this.evalExpr(el.expr);
        input = Array.isArray(value) ? value : [value];
      } else {
        input = await this.#command(el, input);
      }
    }
    return input ?? [];
  }

  async #command(el: Extract<Element, { kind: "command" }>, input: PSValue[] | undefined): Promise<PSValue[]> {
    let name: string;
    if (typeof el.name === "string") name = el.name;
    else {
      const target = await this.evalExpr(el.name);
      if (target instanceof ScriptBlock) {
        return this.invokeBlock(target, input && input.length > 0 ? collapse(input) : undefined);
      }
      name = toText(target);
    }
    const lower = name.toLowerCase();
    const resolved = this.aliases.get(lower) ?? lower;
    const cmdlet = this.cmdlets.get(resolved);
    const args = await this.#evalArgs(el.args);
    if (cmdlet) return this.#invokeCmdlet(cmdlet, el, args, input);
    const external = await this.host.runExternal(
      lower.replace(/\.exe$/, ""),
      args.map(({ arg, value }) =>
        arg.kind === "param" ? arg.text + (value === undefined ? "" : toText(value)) : toText(value ?? null),
      ),
    );
    if (external) {
      this.vars.set("lastexitcode", external.exitCode);
      if (external.exitCode !== 0) this.#failed = true;
      return external.stdout.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== "");
    }
    throw new PSRuntimeError(notRecognized(name).withPosition(this.#position(el.nameExtent)));
  }

  async #evalArgs(args: CommandArg[]): Promise<{ arg: CommandArg; value: PSValue | undefined }[]> {
    const out: { arg: CommandArg; value: PSValue | undefined }[] = [];
    for (const arg of args) {
      if (arg.kind === "param") out.push({ arg, value: arg.value ? await this.evalExpr(arg.value) : undefined });
      else out.push({ arg, value: await this.evalExpr(arg.value) });
    }
    return out;
  }

  async #invokeCmdlet(
    cmdlet: Cmdlet,
    el: Extract<Element, { kind: "command" }>,
    args: { arg: CommandArg; value: PSValue | undefined }[],
    input: PSValue[] | undefined,
  ): Promise<PSValue[]> {
    const position = this.#position(el);
    const bound: Bound = bind(cmdlet.name, cmdlet.params, args, this.#src);
    if (cmdlet.module && !this.#modules.has(cmdlet.module)) {
      this.#modules.add(cmdlet.module);
      if (toText(this.getVar("ProgressPreference")).toLowerCase() !== "silentlycontinue")
        this.host.writeProgress("Preparing modules for first use.");
    }
    const errorAction = bound.get("ErrorAction")?.value;
    const inv: Invocation = {
      name: cmdlet.name,
      bound,
      get: (n) => bound.get(n)?.value,
      has: (n) => bound.has(n),
      input: input ?? [],
      piped: input !== undefined,
      interp: this,
      machine: this.machine,
      position,
      error: (message, options = {}) =>
        this.writeNonTerminating(
          new ErrorRecord(message, { command: cmdlet.name, position, ...options }),
          errorAction === undefined ? undefined : toText(errorAction),
        ),
      fail: (message, options = {}) => {
        throw new PSRuntimeError(new ErrorRecord(message, { command: cmdlet.name, position, ...options }));
      },
      confirmed: () => {
        const confirm = bound.get("Confirm");
        if (confirm && !isTrue(confirm.value)) return true;
        if (toText(this.getVar("ConfirmPreference")).toLowerCase() === "none" && !confirm) return true;
        throw new PSRuntimeError(
          new ErrorRecord("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.", {
            command: cmdlet.name,
            exception: "PSInvalidOperationException",
            category: "InvalidOperation",
            errorId: "InvalidOperation",
            position,
          }),
        );
      },
    };
    if (bound.get("WhatIf")?.value === true) return [];
    return cmdlet.run(inv);
  }

  async evalExpr(e: Expr): Promise<PSValue> {
    switch (e.kind) {
      case "const":
        return e.value;
      case "string": {
        let out = "";
        for (const part of e.parts) out += typeof part === "string" ? part : toText(await this.evalExpr(part));
        return out;
      }
      case "var":
        return this.getVar(e.name);
      case "array": {
        const out: PSValue[] = [];
        for (const item of e.items) out.push(await this.evalExpr(item));
        return out;
      }
      case "sub": {
        const out: PSValue[] = [];
        await this.#statements(e.body, (v) => out.push(...v));
        return e.forceArray ? out : collapse(out);
      }
      case "hash": {
        const table = new Hashtable();
        for (const entry of e.entries) {
          const out: PSValue[] = [];
          await this.#statement(entry.value, (v) => out.push(...v));
          const single =
            entry.value.kind === "pipeline" &&
            entry.value.pipeline.elements.length === 1 &&
            entry.value.pipeline.elements[0]?.kind === "expr";
          table.set(
            await this.evalExpr(entry.key),
            single ? (out.length === 1 ? (out[0] ?? null) : out) : collapse(out),
          );
        }
        return table;
      }
      case "block":
        return new ScriptBlock(e.body, e.text, this.#src);
      case "type":
        return new TypeRef(e.name);
      case "cast":
        return convertTo(e.type, await this.evalExpr(e.operand));
      case "member":
        return this.#member(e);
      case "index": {
        const target = await this.evalExpr(e.target);
        const index = await this.evalExpr(e.index);
        if (target instanceof Hashtable) return target.get(index) ?? null;
        if (target instanceof PSObject) return target.get(toText(index)) ?? null;
        const list =
          typeof target === "string" ? [...target] : Buffer.isBuffer(target) ? [...target] : enumerate(target);
        const pick = (i: PSValue): PSValue => {
          const n = toNumber(i);
          return list[n < 0 ? list.length + n : n] ?? null;
        };
        return Array.isArray(index) ? index.map(pick) : pick(index);
      }
      case "binary": {
        if (e.op === "and" || e.op === "or") {
          const left = isTrue(await this.evalExpr(e.left));
          if (e.op === "and" ? !left : left) return left;
          return isTrue(await this.evalExpr(e.right));
        }
        const left = await this.evalExpr(e.left);
        const right = await this.evalExpr(e.right);
        return binary(e.op, left, right, (groups) => this.vars.set("matches", groups));
      }
      case "unary": {
        const v = await this.evalExpr(e.operand);
        if (e.op === "not") return !isTrue(v);
        if (e.op === "-") return -toNumber(v);
        if (e.op === "+") return toNumber(v);
        if (e.op === "join") return enumerate(v).map(toText).join("");
        return toText(v).trim().split(/\s+/);
      }
    }
  }

  async #member(e: Extract<Expr, { kind: "member" }>): Promise<PSValue> {
    const target = await this.evalExpr(e.target);
    const name = toText(await this.evalExpr(e.name));
    const args: PSValue[] = [];
    for (const a of e.args ?? []) args.push(await this.evalExpr(a));
    try {
      if (e.isStatic) {
        if (!(target instanceof TypeRef))
          throw this.runtimeError(`Unable to find type [${toText(target)}].`, "TypeNotFound");
        return await getStatic(this, target.name, name, e.args ? args : undefined);
      }
      if (e.args) return await callMethod(this, target, name, args);
      return getMember(target, name) ?? null;
    } catch (error) {
      if (error instanceof PSRuntimeError) {
        throw new PSRuntimeError(error.record.withPosition(this.#position(e)));
      }
      throw error;
    }
  }
}

function catches(type: string, exception: string): boolean {
  const t = type.toLowerCase().split(".").pop() ?? "";
  return (
    t === "exception" ||
    t === "runtimeexception" ||
    t === exception.toLowerCase() ||
    (t === "ciminstanceexception" && exception === "CimException")
  );
}

function parseErrorRecord(src: string, error: ParseError): ErrorRecord {
  const where = Scanner.where(src, error.offset);
  return new ErrorRecord(error.message, {
    exception: "ParentContainsErrorRecordException",
    category: "ParserError",
    errorId: error.errorId,
    noPrefix: true,
    position: { src, start: error.offset, end: error.offset + Math.max(1, Math.min(1, where.text.length)) },
  });
}

function psVersionTable(machine: Machine): Hashtable {
  const t = new Hashtable();
  t.set("PSVersion", version(5, 1, machine.os.build, machine.os.ubr));
  t.set("PSEdition", "Desktop");
  t.set("PSCompatibleVersions", [
    version(1, 0),
    version(2, 0),
    version(3, 0),
    version(4, 0),
    version(5, 0),
    version(5, 1, machine.os.build, machine.os.ubr),
  ]);
  t.set("BuildVersion", version(10, 0, machine.os.build, machine.os.ubr));
  t.set("CLRVersion", version(4, 0, 30319, 42000));
  t.set("WSManStackVersion", version(3, 0));
  t.set("PSRemotingProtocolVersion", version(2, 3));
  t.set("SerializationVersion", version(1, 1, 0, 1));
  return t;
}
