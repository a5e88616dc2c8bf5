/** The syntax tree of the PowerShell subset (see ../../README.md for what is in it). */
import type { PSValue } from "./values";

/** Source span: offsets into the script text, for "At line:N char:M" messages. */
export interface Extent {
  start: number;
  end: number;
}

export type Expr = (
  | { kind: "const"; value: PSValue }
  | { kind: "string"; parts: (string | Expr)[] }
  | { kind: "var"; name: string }
  | { kind: "array"; items: Expr[] }
  | { kind: "sub"; body: Statement[]; forceArray: boolean }
  | { kind: "hash"; entries: { key: Expr; value: Statement }[]; ordered?: boolean }
  | { kind: "block"; body: Statement[]; text: string }
  | { kind: "type"; name: string }
  | { kind: "cast"; type: string; operand: Expr }
  | { kind: "member"; target: Expr; name: Expr; isStatic: boolean; args?: Expr[] }
  | { kind: "index"; target: Expr; index: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr }
  | { kind: "unary"; op: string; operand: Expr }
) &
  Extent;

export type CommandArg =
  | ({ kind: "param"; name: string; value?: Expr; text: string } & Extent)
  | ({ kind: "value"; value: Expr } & Extent);

export type Element =
  | ({ kind: "command"; name: string | Expr; invoke?: "&" | "."; args: CommandArg[]; nameExtent: Extent } & Extent)
  | ({ kind: "expr"; expr: Expr } & Extent);

export interface Pipeline extends Extent {
  elements: Element[];
}

export type Statement = (
  | { kind: "pipeline"; pipeline: Pipeline }
  | { kind: "assign"; target: Expr; op: "=" | "+="; value: Statement }
  | { kind: "if"; clauses: { cond: Pipeline; body: Statement[] }[]; otherwise?: Statement[] }
  | { kind: "foreach"; variable: string; collection: Pipeline; body: Statement[] }
  | { kind: "exit" | "return" | "throw"; value?: Pipeline }
  | { kind: "try"; body: Statement[]; catches: { types: string[]; body: Statement[] }[]; fin?: Statement[] }
) &
  Extent;
