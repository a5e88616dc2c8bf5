/**
 * Log lines to the Pulumi engine, attached to a resource: what makes a
 * running PodCommand's output visible in `pulumi up` and in `--event-log`
 * before the command ends. A dynamic provider has no engine address, so it
 * cannot do this.
 */
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";

export type EngineLog = (urn: string, message: string, severity?: "info" | "warning") => void;

/** A logger over the engine's gRPC endpoint; without one (tests), lines go to stderr, which Pulumi shows. */
export function engineLog(address: string | undefined): EngineLog {
  if (!address) return (urn, message) => process.stderr.write(`${urn}: ${message}\n`);
  const client = new enginerpc.EngineClient(address, grpc.credentials.createInsecure());
  return (urn, message, severity = "info") => {
    const req = new engineproto.LogRequest();
    req.setSeverity(severity === "info" ? engineproto.LogSeverity.INFO : engineproto.LogSeverity.WARNING);
    req.setMessage(message);
    req.setUrn(urn);
    // Best effort: a line the engine does not take must not fail the step.
    client.log(req, () => undefined);
  };
}
