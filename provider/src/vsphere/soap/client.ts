import { PodError } from "../../common/errors";
import { type RetryPolicy, retryTransient, withRetry } from "../../common/retry";
import { decodeNode } from "./decode";
import { encodeRequest, type ManagedObjectReference } from "./encode";
import { soapFaultError, vimFaultError } from "./fault";
import { METHODS } from "./schema";
import { HttpsTransport, type SoapTransport, type TlsTrust } from "./transport";
import type { VimArgs, VimMethodName, VimResult } from "./typed";
import { child, parseXml, type XmlNode } from "./xml";

export interface SoapClientOptions {
  /** "host" or "host:port" (443 by default). */
  host: string;
  trust: TlsTrust;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Replaces the HTTPS transport (unit tests feed canned responses through it). */
  transport?: SoapTransport;
  /** Observes every call (metrics, tracing); must not throw. */
  onCall?: (info: SoapCallInfo) => void;
  /** Runs around every call, retries included (a tracing span); must call `call` once. */
  wrapCall?: <T>(method: string, call: () => Promise<T>) => Promise<T>;
}

export interface SoapCallInfo {
  method: string;
  durationMs: number;
  attempts: number;
  error?: PodError;
}

/**
 * Calls that read only: safe to send again after a connection broke midway.
 * Anything else is retried only when it never left (connection refused).
 */
const IDEMPOTENT = new Set([
  "RetrieveServiceContent",
  "CurrentTime",
  "FindByInventoryPath",
  "RetrievePropertiesEx",
  "ContinueRetrievePropertiesEx",
  "WaitForUpdatesEx",
  "ListProcessesInGuest",
]);

export const SERVICE_INSTANCE: ManagedObjectReference = { type: "ServiceInstance", value: "ServiceInstance" };

/** Low-level vim25 client: one method call = one typed request, one decoded response. */
export class SoapClient {
  readonly transport: SoapTransport;
  readonly host: string;
  readonly port: number;
  #soapAction = "urn:vim25/8.0.3.0";
  #cookie: string | undefined;
  #timeoutMs: number;
  #retry: RetryPolicy;
  #relogin: (() => Promise<void>) | undefined;
  #onCall: SoapClientOptions["onCall"];
  #wrapCall: SoapClientOptions["wrapCall"];

  constructor(options: SoapClientOptions) {
    const [host = "", port = "443"] = options.host.split(":");
    this.host = host;
    this.port = Number(port);
    if (!host || !Number.isInteger(this.port)) {
      throw new PodError("INVALID_INPUT", `"${options.host}" is not a vSphere host name or host:port.`, {
        fix: 'Give the vCenter or ESXi address, e.g. "vcenter.lab.local" or "127.0.0.1:18989".',
      });
    }
    this.transport = options.transport ?? new HttpsTransport(host, this.port, options.trust);
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#retry = { attempts: 4, baseDelayMs: 200, maxDelayMs: 3_000, retryable: retryTransient, ...options.retry };
    this.#onCall = options.onCall;
    this.#wrapCall = options.wrapCall;
  }

  /**
   * The vim25 version the server announces in /sdk/vimServiceVersions.xml, or
   * undefined when it announces none or something that is not a version
   * (internal builds have sent "uA046D008"): see useVersion.
   */
  async announcedVersion(): Promise<string | undefined> {
    const res = await this.transport.request({
      method: "GET",
      path: "/sdk/vimServiceVersions.xml",
      timeoutMs: this.#timeoutMs,
    });
    if (res.status !== 200) return undefined;
    try {
      const root = parseXml(res.body);
      for (const ns of root.children) {
        const version = child(ns, "version")?.text.trim();
        if (child(ns, "name")?.text.trim() === "urn:vim25") return isApiVersion(version) ? version : undefined;
      }
    } catch {
      // Not XML: the same as no announcement.
    }
    return undefined;
  }

  /**
   * Picks the SOAPAction version: the first candidate that is a real version
   * string (the announced one, then ServiceContent's about.apiVersion); when
   * none is, the default stays. Returns the version in use.
   */
  useVersion(...candidates: (string | undefined)[]): string {
    const version = candidates.find(isApiVersion);
    if (version) this.#soapAction = `urn:vim25/${version}`;
    return this.#soapAction.slice("urn:vim25/".length);
  }

  get sessionCookie(): string | undefined {
    return this.#cookie;
  }

  /** Installs the function that logs in again when the session expired. */
  setRelogin(relogin: (() => Promise<void>) | undefined): void {
    this.#relogin = relogin;
  }

  /** Calls a vim25 method; arguments and result are typed by the generated method map. */
  call<M extends VimMethodName>(method: M, args: VimArgs<M>): Promise<VimResult<M>> {
    const wrap = this.#wrapCall;
    const plain = args as Record<string, unknown>;
    const run = () => this.#observedCall<VimResult<M>>(method, plain);
    return wrap ? wrap(method, run) : run();
  }

  async #observedCall<T>(method: string, args: Record<string, unknown>): Promise<T> {
    const started = Date.now();
    let attempts = 0;
    try {
      const result = await this.#callWithRelogin(method, args, () => attempts++);
      this.#onCall?.({ method, durationMs: Date.now() - started, attempts });
      return result as T;
    } catch (error) {
      const podError = error instanceof PodError ? error : new PodError("INTERNAL", String(error), { cause: error });
      this.#onCall?.({ method, durationMs: Date.now() - started, attempts, error: podError });
      throw podError;
    }
  }

  async #callWithRelogin(method: string, args: Record<string, unknown>, count: () => void): Promise<unknown> {
    try {
      return await this.#callWithRetry(method, args, count);
    } catch (error) {
      const relogin = this.#relogin;
      if (!(error instanceof PodError) || error.code !== "NOT_AUTHENTICATED" || !relogin || method === "Login") {
        throw error;
      }
      await relogin();
      return this.#callWithRetry(method, args, count);
    }
  }

  #callWithRetry(method: string, args: Record<string, unknown>, count: () => void): Promise<unknown> {
    const body = encodeRequest(method, args);
    const retryable = (error: unknown) =>
      this.#retry.retryable(error) &&
      (IDEMPOTENT.has(method) || (error instanceof PodError && error.code === "UNREACHABLE"));
    return withRetry(
      () => {
        count();
        return this.#roundTrip(method, body);
      },
      { ...this.#retry, retryable },
    );
  }

  async #roundTrip(method: string, body: string): Promise<unknown> {
    const res = await this.transport.request({
      method: "POST",
      path: "/sdk",
      headers: {
        "Content-Type": "text/xml; charset=utf-8",
        SOAPAction: this.#soapAction,
        ...(this.#cookie ? { Cookie: this.#cookie } : {}),
      },
      body,
      timeoutMs: this.#timeoutMs,
    });
    this.#storeCookie(res.headers["set-cookie"]);
    if (res.status !== 200 && res.status !== 500) {
      throw new PodError("PROTOCOL_ERROR", `${method}: HTTP ${res.status} from ${this.host}:${this.port}.`, {
        fix: "Check that the address is a vCenter or ESXi SDK endpoint.",
        details: { status: res.status },
        transient: res.status === 502 || res.status === 503,
      });
    }
    const envelope = parseXml(res.body);
    const bodyNode = child(envelope, "Body");
    const fault = bodyNode && child(bodyNode, "Fault");
    if (fault) throw soapFaultError(fault, method);
    const response = bodyNode?.children[0];
    if (!response) throw new PodError("PROTOCOL_ERROR", `${method}: the response has no body.`);
    if (RETRIEVALS.has(method) && notAuthenticatedInMissingSet(response)) {
      // Thrown like the SOAP fault it stands for, so the one re-login below happens.
      throw vimFaultError("NotAuthenticated", "the session is no longer authenticated", method);
    }
    const returnvals = response.children.filter((c) => c.name === "returnval");
    const result = METHODS[method]?.result;
    const values = returnvals.map((r) => decodeNode(r, result?.type));
    if (result?.array) return values;
    return values[0];
  }

  #storeCookie(header: string | string[] | undefined): void {
    for (const line of Array.isArray(header) ? header : header ? [header] : []) {
      const pair = line.split(";")[0]?.trim();
      if (pair?.startsWith("vmware_soap_session=")) this.#cookie = pair;
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** A vim25 version string: dotted digits, e.g. "8.0.3.0" or "7.0". */
export function isApiVersion(version: string | undefined): version is string {
  return version !== undefined && /^\d+(\.\d+){1,3}$/.test(version);
}

/** Property reads that report a lost session per property (missingSet) instead of as a SOAP fault. */
const RETRIEVALS = new Set(["RetrievePropertiesEx", "ContinueRetrievePropertiesEx"]);

/**
 * A session ended server-side (expired, TerminateSession) makes vcsim (seen in
 * the lab) answer a property read with HTTP 200 and every property missing with
 * a NotAuthenticated fault: read as "no such properties", a refresh would
 * report a VM that exists as deleted.
 */
function notAuthenticatedInMissingSet(response: XmlNode): boolean {
  for (const returnval of response.children) {
    for (const objects of returnval.children) {
      for (const missing of objects.children) {
        if (missing.name !== "missingSet") continue;
        const fault = child(missing, "fault");
        const inner = fault && child(fault, "fault");
        if (inner?.xsiType?.name === "NotAuthenticated") return true;
      }
    }
  }
  return false;
}
