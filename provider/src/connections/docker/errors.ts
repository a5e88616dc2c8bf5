import { PodError } from "../../common/errors";

/** Maps dockerode / Docker Engine API errors to PodErrors. */
export function dockerError(error: unknown, target: string, action: string): PodError {
  if (error instanceof PodError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const detail = e.json?.message ?? e.message ?? String(error);
  if (e.statusCode === 404) {
    return new PodError("NOT_FOUND", `${action} on container ${target}: ${detail}.`, {
      fix: "Check the container name or id, and the path.",
      details: { container: target },
      cause: error,
    });
  }
  if (e.statusCode === 409) {
    return new PodError("INVALID_STATE", `${action} on container ${target}: ${detail}.`, {
      fix: "Start the container (or unpause it) first.",
      details: { container: target },
      cause: error,
    });
  }
  if (e.code === "ECONNREFUSED" || e.code === "ENOENT" || e.code === "EACCES" || e.code === "ECONNRESET") {
    return new PodError("UNREACHABLE", `The Docker engine is not reachable (${e.code}) for ${action} on ${target}.`, {
      fix: "Check that Docker runs and that DOCKER_HOST or /var/run/docker.sock is right and accessible.",
      details: { container: target, errno: e.code },
      transient: e.code !== "EACCES",
      cause: error,
    });
  }
  return new PodError("PROTOCOL_ERROR", `${action} on container ${target} failed: ${detail}.`, {
    fix: "See the Docker engine's log.",
    details: { container: target, ...(e.statusCode ? { status: e.statusCode } : {}) },
    cause: error,
  });
}
