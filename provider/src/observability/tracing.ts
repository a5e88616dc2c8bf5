/**
 * Spans through @opentelemetry/api only: without an SDK installed by the
 * application they are no-ops, so pod never forces one on its users.
 * Attributes never carry a credential (callers pass names, not secrets).
 */
import { type Attributes, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { redact } from "../common/secret";

export const TRACER_NAME = "pod";

/** Looked up per span, so an SDK registered after pod loaded is still used. */
export const podTracer = () => trace.getTracer(TRACER_NAME);

/** Runs `fn` in an active span; a thrown error marks it (code and redacted message) and is rethrown. */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return podTracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string") span.setAttribute("pod.error.code", code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: redact(String((error as Error).message ?? error)) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The SoapClient's wrapCall hook: one span per vim25 call. */
export function traceSoapCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  return withSpan(`vsphere.${method}`, { "rpc.system": "vim25", "rpc.method": method }, () => call());
}
