/**
 * Dynamic providers never receive their resource's URN (create gets the
 * inputs only), yet the audit log correlates every change with it. So each
 * resource computes its URN the way Pulumi does (resource.ts createUrn) and
 * passes it as the `pulumiUrn` input, which the providers' diffs ignore.
 */
import * as pulumi from "@pulumi/pulumi";

/** pod's dynamic resource types: the token pulumi.dynamic.Resource makes from module "pod". */
export const podType = (type: string): string => `pulumi-nodejs:dynamic/pod:${type}`;

export interface UrnParts {
  stack: string;
  project: string;
  /** The resource's own type token. */
  type: string;
  name: string;
  /** The parent's URN; none (or the stack's) for a top-level resource. */
  parentUrn?: string | undefined;
}

/**
 * `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where a child's
 * qualified type is `<parent's qualified type>$<type>`. The stack is every
 * resource's default parent, and its type never prefixes a child's.
 */
export function resourceUrn({ stack, project, type, name, parentUrn }: UrnParts): string {
  const root = `urn:pulumi:${stack}::${project}::`;
  if (!parentUrn) return `${root}${type}::${name}`;
  const parentPrefix = parentUrn.substring(0, parentUrn.lastIndexOf("::"));
  if (parentPrefix.endsWith("::pulumi:pulumi:Stack")) return `${root}${type}::${name}`;
  return `${parentPrefix}$${type}::${name}`;
}

/**
 * This resource's URN as a plain promise. Not an Output of the parent's
 * URN: an Output input makes the resource depend on its parent, and a
 * dependency on a component is one on all its children — siblings would
 * wait for each other.
 */
export function urnInput(type: string, name: string, opts?: pulumi.ResourceOptions): Promise<string> {
  const parts = { stack: pulumi.getStack(), project: pulumi.getProject(), type: podType(type), name };
  const parent = opts?.parent;
  if (!parent) return Promise.resolve(resourceUrn(parts));
  return new Promise((resolve) => {
    // URNs are known in preview too, so this callback always runs.
    parent.urn.apply((parentUrn) => {
      resolve(resourceUrn({ ...parts, parentUrn }));
      return parentUrn;
    });
  });
}
