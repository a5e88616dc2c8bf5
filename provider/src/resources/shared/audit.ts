/**
 * The resources' audit trail. A dynamic provider runs in a process Pulumi
 * starts, so where records go is configuration, read in configure: stack
 * config `pod:auditLog`, else `POD_AUDIT_LOG` (the credentials' order). Unset
 * means off: a provider writes no file nobody asked for. A relative path is
 * relative to the program's directory: Pulumi starts providers there.
 *
 * Dynamic providers never see their resource's URN, so the SDK classes pass
 * it as the `pulumiUrn` input; records use it as the correlation id, and no
 * diff ever looks at it.
 */
import { userInfo } from "node:os";

export const URN_INPUT = "pulumiUrn";

type ConfigSource = { get(key: string): string | undefined };

/** The URN the SDK computed, when there is one (resources made before it existed have none). */
export function urnOf(inputs: object | undefined): string | undefined {
  const urn = (inputs as Record<string, unknown> | undefined)?.[URN_INPUT];
  return typeof urn === "string" && urn !== "" ? urn : undefined;
}

export function auditLogPath(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env) {
  return config?.get("pod:auditLog") || env.POD_AUDIT_LOG || undefined;
}

/** Who acts: Pulumi, run by this OS user. */
export function pulumiActor(): string {
  try {
    return `pulumi:${userInfo().username}`;
  } catch {
    return "pulumi"; // no passwd entry (some containers)
  }
}
