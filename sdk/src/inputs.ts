import type * as pulumi from "@pulumi/pulumi";

/** Lets every field, at any depth, be a plain value or a Pulumi Output of it. */
export type DeepInput<T> = pulumi.Input<
  T extends (infer U)[] ? DeepInput<U>[] : T extends object ? { [K in keyof T]: DeepInput<T[K]> } : T
>;
