import { PodError } from "./errors";

/** Socket errors → typed errors; `transient` marks the ones worth another try. */
const TRANSIENT = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN", "ENETUNREACH"]);

export function networkError(error: Error, host: string, port: number): PodError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENOTFOUND") {
    return new PodError("UNREACHABLE", `Cannot reach ${host}:${port} (${code}).`, {
      fix: "Check the host name and port, and that the server is running and reachable from here.",
      details: { errno: code },
      cause: error,
      transient: code === "ECONNREFUSED",
    });
  }
  if (code === "ETIMEDOUT") {
    return new PodError("TIMEOUT", `No answer from ${host}:${port} in time.`, {
      fix: "Check that the server is up and not overloaded, or raise the timeout.",
      details: { errno: code },
      cause: error,
      transient: true,
    });
  }
  return new PodError("CONNECTION_LOST", `The connection to ${host}:${port} failed: ${error.message}.`, {
    details: { errno: code },
    cause: error,
    transient: TRANSIENT.has(code),
  });
}
