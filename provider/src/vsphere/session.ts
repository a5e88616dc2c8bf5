import { PodError } from "../common/errors";
import type { Secret } from "../common/secret";
import { SERVICE_INSTANCE, SoapClient, type SoapClientOptions } from "./soap/client";
import type { ManagedObjectReference } from "./soap/encode";
import type { TlsTrust } from "./soap/transport";

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
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  searchIndex: MoRef;
  sessionManager: MoRef;
  guestOperationsManager?: MoRef;
  about: { apiVersion: string; apiType: string; fullName: string; instanceUuid?: string };
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
    readonly content: ServiceContent,
    readonly apiVersion: string,
  ) {}

  static async connect(options: VsphereConnectOptions): Promise<VsphereSession> {
    const client = new SoapClient({
      host: options.host,
      trust: options.trust,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onCall ? { onCall: options.onCall } : {}),
      ...(options.wrapCall ? { wrapCall: options.wrapCall } : {}),
    });
    try {
      const apiVersion = await client.negotiateVersion();
      const content = await client.call<ServiceContent>("RetrieveServiceContent", { _this: SERVICE_INSTANCE });
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

  call<T = unknown>(method: string, args: Record<string, unknown>): Promise<T> {
    return this.client.call<T>(method, args);
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
