/**
 * The hand-written half of every SDK class: how a generated class becomes a
 * Pulumi dynamic resource. The generated half (sdk/src/generated/) says which
 * outputs exist and which are secret; this file loads the provider instance,
 * marks credentials secret, adds the URN input and registers the resource.
 */
import { realpathSync } from "node:fs";
import { sep } from "node:path";
import type * as podProvider from "@pod-lab/provider";
import * as pulumi from "@pulumi/pulumi";

import { markSecretParts } from "./secret-parts";
import { urnInput } from "./urn";

export interface DynamicResourceSpec {
  /** The resource type: "PodVm", … */
  type: string;
  /** The provider instance's module, an `exports` subpath of @pod-lab/provider. */
  module: string;
  /** Outputs that are not inputs: registered as unknown until the provider sets them. */
  outputs: string[];
  /** Inputs carrying credentials: wrapped as secrets and stored encrypted. */
  secretOutputs: string[];
  /** Made secret when the args say `secretOutputs: true`. */
  secretOutputsOnRequest?: string[];
}

type ResourceArgs = [
  pulumi.dynamic.ResourceProvider,
  string,
  pulumi.Inputs,
  pulumi.CustomResourceOptions,
  string,
  string,
];

/** `super(...)`'s arguments for the resource `spec` describes. */
export function dynamicResourceArgs(
  spec: DynamicResourceSpec,
  name: string,
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
): ResourceArgs {
  const { secretOutputs: wantsSecretOutputs, ...inputs } = args as Record<string, unknown>;
  const secrets = [...spec.secretOutputs, ...(wantsSecretOutputs === true ? (spec.secretOutputsOnRequest ?? []) : [])];
  const props: pulumi.Inputs = { ...inputs };
  // Credentials are stored encrypted, in inputs and in outputs.
  for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
  // The provider keeps secret output out of its errors too, so it is told.
  if (wantsSecretOutputs === true && spec.secretOutputsOnRequest) props.secretOutputs = true;
  markSecretParts(spec.type, props);
  // The audit log's correlation id (providers never see their URN); no diff looks at it.
  props.pulumiUrn = urnInput(spec.type, name, opts);
  for (const key of spec.outputs) props[key] = undefined;
  const additionalSecretOutputs = [...secrets, ...(opts?.additionalSecretOutputs ?? [])];
  return [loadProvider(spec.module), name, props, { ...opts, additionalSecretOutputs }, "pod", spec.type];
}

/**
 * The provider instance, from a copy of @pod-lab/provider under node_modules.
 * Pulumi serializes a dynamic provider as a `require` of its package path only
 * when the module's real path lies in node_modules; from a symlinked folder
 * install (npm's default for `npm install <folder>`) it serializes the whole
 * engine by value and `pulumi up` fails deep inside zod. Fail here instead,
 * before anything is registered, with the fix.
 */
function loadProvider(module: string): pulumi.dynamic.ResourceProvider {
  const file = realpathSync(require.resolve(module));
  if (!file.split(sep).includes("node_modules")) {
    // Required here, not at the top: @pod-lab/provider's index is the whole engine, which a
    // program that only declares resources never needs (the provider process loads its own).
    const { PodError } = require("@pod-lab/provider") as typeof podProvider;
    const error = new PodError(
      "UNSUPPORTED",
      `${module} is loaded from ${file}, a symlinked install outside node_modules: Pulumi cannot serialize pod's providers from there.`,
      {
        fix: "install pod as copies: the tarballs from `make pack` (npm install <pod>/out/*.tgz), or `npm install --install-links <pod>/provider <pod>/sdk`.",
        details: { module, file },
      },
    );
    error.stack = error.describe(); // Pulumi prints the stack: make it the message and the fix
    throw error;
  }
  return require(module) as pulumi.dynamic.ResourceProvider;
}
