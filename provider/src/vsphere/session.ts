import { PodError } from "../common/errors";
import type { Secret } from "../common/secret";
import { SERVICE_INSTANCE, SoapClient, type SoapClientOptions } from "./soap/client";
import type { ManagedObjectReference, ServiceContent } from "./soap/generated/types";
import type { TlsTrust } from "./soap/transport";
import type { VimArgs, VimMethodName, VimResult } from "./soap/typed";

export type MoRef = ManagedObjectReference;

export interface VsphereConnectOptions {
  host: string;
  user: string;
  password: Secret;
  trust: TlsTrust;
  timeoutMs?: number;
  /** Idle interval between keepalive calls; 0 turns keepalive off. */
  keepaliveMs?: number;
  onCall?: SoapClientOptions["onCall"];
  wrapCall?: SoapClientOptions["wrapCall"];
  transport?: SoapClientOptions["transport"];
}

/** The managers pod needs; vim25 marks them optional (not every endpoint has all of them). */
const REQUIRED_MANAGERS = ["propertyCollector", "viewManager", "searchIndex", "sessionManager"] as const;

export type PodServiceContent = ServiceContent & Required<Pick<ServiceContent, (typeof REQUIRED_MANAGERS)[number]>>;

function requireManagers(content: ServiceContent, host: string): PodServiceContent {
  const missing = REQUIRED_MANAGERS.filter((name) => !content[name]);
  if (missing.length) {
    throw new PodError("UNSUPPORTED", `${host} has no ${missing.join(", ")} in its ServiceContent.`, {
      fix: "Point pod at a vCenter or ESXi SDK endpoint (https://host/sdk).",
    });
  }
  return content as PodServiceContent;
}

/**
 * A logged-in vSphere session: the SOAP client, the ServiceContent, a
 * keepalive that never holds the process open, and one transparent re-login
 * when the server says the session is gone.
 */
export class VsphereSession {
  #keepalive: NodeJS.Timeout | undefined;

  private constructor(
    readonly client: SoapClient,
    readonly content: PodServiceContent,
    readonly apiVersion: string,
  ) {}

  static async connect(options: VsphereConnectOptions): Promise<VsphereSession> {
    const client = new SoapClient({
      host: options.host,
      trust: options.trust,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onCall ? { onCall: options.onCall } : {}),
      ...(options.wrapCall ? { wrapCall: options.wrapCall } : {}),
      ...(options.transport ? { transport: options.transport } : {}),
    });
    try {
      const announced = await client.announcedVersion();
      const content = requireManagers(
        await client.call("RetrieveServiceContent", { _this: SERVICE_INSTANCE }),
        options.host,
      );
      // A server that announces no usable version still names its API in about.apiVersion.
      const apiVersion = client.useVersion(announced, content.about.apiVersion);
      const login = async () => {
        await client.call("Login", {
          _this: content.sessionManager,
          userName: options.user,
          password: options.password,
        });
      };
      await login().catch((error: unknown) => {
        if (error instanceof PodError && error.code === "INVALID_LOGIN") {
          throw new PodError("INVALID_LOGIN", `vSphere at ${options.host} refused the login of "${options.user}".`, {
            fix: "Check the vSphere user name and password (pod:vsphereUser / pod:vspherePassword).",
            details: error.details,
          });
        }
        throw error;
      });
      client.setRelogin(login);
      const session = new VsphereSession(client, content, apiVersion);
      session.#startKeepalive(options.keepaliveMs ?? 5 * 60_000);
      return session;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  call<M extends VimMethodName>(method: M, args: VimArgs<M>): Promise<VimResult<M>> {
    return this.client.call(method, args);
  }

  #startKeepalive(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.#keepalive = setInterval(() => {
      this.client.call("CurrentTime", { _this: SERVICE_INSTANCE }).catch(() => undefined);
    }, intervalMs);
    this.#keepalive.unref();
  }

  /** Logs out and closes every socket; safe to call twice. */
  async close(): Promise<void> {
    clearInterval(this.#keepalive);
    this.#keepalive = undefined;
    this.client.setRelogin(undefined);
    try {
      await this.client.call("Logout", { _this: this.content.sessionManager });
    } catch {
      // Already logged out or unreachable: nothing left to release remotely.
    } finally {
      this.client.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
