import type { Secret } from "../../common/secret";
import type { VimMethods } from "./generated/methods";
import type { ManagedObjectReference } from "./generated/types";

export type VimMethodName = keyof VimMethods;

/**
 * What a caller may pass where the schema wants `T`: a Secret wherever a
 * string goes (the encoder reveals it only into the request body), and for a
 * data object either `T` itself or any object that names its vim25 type in
 * `_type` (XSD's xsi:type substitution: a subtype with its own extra fields,
 * which TypeScript cannot relate to `T`; the encoder checks it against the
 * schema at run time).
 */
export type VimInput<T> = T extends ManagedObjectReference
  ? ManagedObjectReference
  : T extends string
    ? T | Secret
    : T extends readonly (infer U)[]
      ? readonly VimInput<U>[]
      : T extends object
        ? { [K in keyof T]: VimInput<T[K]> } | VimSubtype
        : T;

/** A data object of a named vim25 type, e.g. { _type: "VirtualVmxnet3", key: 4000, … }. */
export interface VimSubtype {
  _type: string;
  [field: string]: unknown;
}

type Params<M extends VimMethodName> = VimMethods[M]["params"];
export type VimArgs<M extends VimMethodName> = { [K in keyof Params<M>]: VimInput<Params<M>[K]> };
export type VimResult<M extends VimMethodName> = VimMethods[M]["result"];
