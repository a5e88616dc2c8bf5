import * as https from "node:https";
import { isPodError, PodError } from "../../common/errors";
import { readBounded } from "../../common/limits";
import { VerifyingAgent } from "../../common/tls";
import type { VsphereConnectOptions } from "../session";

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * A small client for vSphere's vAPI REST endpoint (/rest, where vCenter and
 * vcsim serve tagging): one session per client, JSON in and out, the same TLS
 * trust as the SOAP client. Hand-written because the only npm clients for it
 * are whole-vCenter SDKs; pod needs about ten calls.
 */
export class RestClient {
  #session = "";

  private constructor(
    readonly host: string,
    readonly port: number,
    readonly agent: VerifyingAgent,
    readonly timeoutMs: number,
  ) {}

  /** Logs in with the vSphere user and password (HTTP basic, once); later calls carry the session id. */
  static async connect(options: VsphereConnectOptions): Promise<RestClient> {
    const [host = "", port = "443"] = options.host.split(":");
    const agent = new VerifyingAgent(options.trust, host, Number(port), "vSphere", { keepAlive: true });
    const client = new RestClient(host, Number(port), agent, options.timeoutMs ?? 60_000);
    const basic = Buffer.from(`${options.user}:${options.password.reveal()}`).toString("base64");
    try {
      client.#session = await client.call<string>("POST", "/com/vmware/cis/session", undefined, `Basic ${basic}`);
    } catch (error) {
      client.agent.destroy();
      if (!isPodError(error, "NOT_FOUND")) throw error;
      throw new PodError("UNSUPPORTED", `${options.host} serves no vAPI REST endpoint at /rest (tags need it).`, {
        fix: "Point pod at a vCenter (ESXi alone has no tagging); a vcsim must be built with govmomi's vapi/simulator, as the lab's pod-vcsim is.",
        cause: error,
      });
    }
    return client;
  }

  /** One vAPI call; `path` is below /rest. Returns the response's `value`. */
  async call<T>(method: string, path: string, body?: unknown, authorization?: string): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await this.#send(method, `/rest${path}`, payload, authorization);
    if (status === 401 || status === 403) {
      throw new PodError("INVALID_LOGIN", `vSphere's REST endpoint refused ${method} ${path} (HTTP ${status}).`, {
        fix: "Check the vSphere user and password; tagging needs a user allowed to use vAPI (the same as SOAP).",
      });
    }
    if (status === 404) {
      throw new PodError("NOT_FOUND", `vSphere's REST endpoint has nothing at ${method} ${path}.`, {
        details: { status },
      });
    }
    if (status >= 400) {
      throw new PodError("VSPHERE_FAULT", `vSphere's REST endpoint answered ${method} ${path} with HTTP ${status}.`, {
        fix: "See details.body for vSphere's reason.",
        details: { status, body: text.slice(0, 500) },
      });
    }
    if (!text) return undefined as T;
    return (JSON.parse(text) as { value?: T }).value as T;
  }

  async close(): Promise<void> {
    if (this.#session) await this.call("DELETE", "/com/vmware/cis/session").catch(() => undefined);
    this.#session = "";
    this.agent.destroy();
  }

  #send(method: string, path: string, payload: string | undefined, authorization?: string) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string> = { Accept: "application/json" };
      if (payload !== undefined) headers["Content-Type"] = "application/json";
      if (authorization) headers.Authorization = authorization;
      if (this.#session) headers["vmware-api-session-id"] = this.#session;
      const req = https.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent, timeout: this.timeoutMs },
        (res) => {
          // Tagging answers are small; a body past the cap is not read into memory.
          const refuse = () =>
            new PodError("TOO_LARGE", `vSphere's REST answer to ${method} ${path} passed ${MAX_BODY_BYTES} bytes.`);
          readBounded(res, MAX_BODY_BYTES, refuse).then(
            (raw) => resolve({ status: res.statusCode ?? 0, text: raw.toString("utf8") }),
            reject,
          );
        },
      );
      req.on("timeout", () =>
        req.destroy(new PodError("TIMEOUT", `vSphere's REST endpoint did not answer ${method} ${path} in time.`)),
      );
      req.on("error", (e) => reject(e instanceof PodError ? e : new PodError("UNREACHABLE", e.message, { cause: e })));
      req.end(payload);
    });
  }
}
