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
import { resolve } from "node:path";
import { PodError } from "../../common/errors";
import { AuditLog, type ChangeAuditSink, type ChangeRecord } from "../../observability/audit-log";
import type { AuditRecord } from "../../observability/audit-record";
import { type ChangeTracker, changeTracker } from "../../observability/change-tracker";

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
function pulumiActor(): string {
  try {
    return `pulumi:${userInfo().username}`;
  } catch {
    return "pulumi"; // no passwd entry (some containers)
  }
}

/** One per provider process (in the shared GuestRuntime): command and change records, to one file. */
export class ResourceAudit implements ChangeAuditSink {
  readonly actor = pulumiActor();
  #log: AuditLog | undefined;
  #path: string | undefined;
  #configured = false;

  /** From each provider's configure; they share the runtime, so one path is opened once. */
  configure(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): void {
    this.#configured = true;
    const path = auditLogPath(config, env);
    const wanted = path ? resolve(path) : undefined;
    if (wanted === this.#path) return;
    this.close();
    if (!wanted) return;
    try {
      this.#log = new AuditLog(wanted);
      this.#path = wanted;
    } catch (error) {
      // An audit log someone asked for and pod cannot write must stop the run, not go missing.
      throw new PodError("INVALID_INPUT", `Cannot open the audit log ${wanted}: ${(error as Error).message}.`, {
        fix: "Point pod:auditLog (or POD_AUDIT_LOG) at a file this user can create and append to.",
      });
    }
  }

  record(entry: AuditRecord): void {
    this.#current()?.record(entry);
  }

  change(entry: ChangeRecord): void {
    this.#current()?.change(entry);
  }

  /** Change records for one resource, correlated by its URN. */
  tracker(inputs: object | undefined): ChangeTracker {
    return changeTracker(this, { actor: this.actor, correlationId: urnOf(inputs) });
  }

  close(): void {
    this.#log?.close();
    this.#log = undefined;
    this.#path = undefined;
  }

  #current(): AuditLog | undefined {
    // Driven without configure (tests, another host): the environment still decides.
    if (!this.#configured) this.configure(undefined);
    return this.#log;
  }
}
