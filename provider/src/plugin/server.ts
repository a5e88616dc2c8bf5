/**
 * The gRPC face of the plugin (Pulumi's ResourceProvider service), written
 * for pod instead of @pulumi/pulumi's Node provider server, which ignores
 * Configure's config, answers Diff without a detailed diff, drops Create's
 * timeout and Read's inputs (so import cannot work), and hands secrets to
 * providers still wrapped. Each method turns the request into plain values,
 * calls PodPlugin, and turns the answer back.
 */
import * as grpc from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type JavaScriptValue, Struct, Value } from "google-protobuf/google/protobuf/struct_pb";
import { redact } from "../common/secret";
import type { ResourceDiff } from "./detailed-diff";
import type { Props } from "./handler";
import type { PodPlugin } from "./plugin";

type Call<Req> = { request: Req };
type Done<Res> = (error: grpc.ServiceError | null, value?: Res) => void;

const toJs = (s: Struct | undefined): Props => (s?.toJavaScript() ?? {}) as Props;
// A Struct cannot carry undefined: a JSON round trip drops it.
const toStruct = (value: Props): Struct => Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
const seconds = (timeout: number) => (timeout > 0 ? timeout * 1000 : undefined);

/** An error as the engine prints it: the message (already one readable line), never a stack. */
function failure(error: unknown): grpc.ServiceError {
  const message = redact(error instanceof Error ? error.message : String(error));
  return Object.assign(new Error(message), {
    code: grpc.status.UNKNOWN,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

function unary<Req, Res>(fn: (req: Req) => Promise<Res>) {
  return (call: Call<Req>, done: Done<Res>) => {
    fn(call.request).then(
      (value) => done(null, value),
      (error) => done(failure(error)),
    );
  };
}

const KINDS = proto.PropertyDiff.Kind;
function diffResponse(d: ResourceDiff): proto.DiffResponse {
  const resp = new proto.DiffResponse();
  resp.setChanges(d.changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
  resp.setReplacesList(d.replaces);
  resp.setDeletebeforereplace(d.deleteBeforeReplace);
  resp.setDiffsList(Object.keys(d.detailed));
  resp.setHasdetaileddiff(true);
  for (const [key, change] of Object.entries(d.detailed)) {
    const pd = new proto.PropertyDiff();
    const kind = { add: KINDS.ADD, delete: KINDS.DELETE, update: KINDS.UPDATE }[change.kind];
    pd.setKind(change.replace ? kind + 1 : kind); // each *_REPLACE kind follows its kind
    pd.setInputdiff(true);
    resp.getDetaileddiffMap().set(key, pd);
  }
  return resp;
}

export function providerService(plugin: PodPlugin, schema: string, version: string): grpc.UntypedServiceImplementation {
  return {
    getPluginInfo: unary(async () => new PluginInfo().setVersion(version)),
    getSchema: unary(async () => new proto.GetSchemaResponse().setSchema(schema)),
    checkConfig: unary(async (req: proto.CheckRequest) => new proto.CheckResponse().setInputs(req.getNews())),
    diffConfig: unary(async (req: proto.DiffRequest) => {
      const same = JSON.stringify(toJs(req.getOlds())) === JSON.stringify(toJs(req.getNews()));
      const changes = same ? proto.DiffResponse.DiffChanges.DIFF_NONE : proto.DiffResponse.DiffChanges.DIFF_SOME;
      return new proto.DiffResponse().setChanges(changes);
    }),
    configure: unary(async (req: proto.ConfigureRequest) => {
      await plugin.configure(req.getArgs() ? toJs(req.getArgs()) : undefined, new Map(req.getVariablesMap().entries()));
      return new proto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false);
    }),
    check: unary(async (req: proto.CheckRequest) => {
      const news = toJs(req.getNews());
      const checked = await plugin.check(req.getUrn(), news);
      const failures = checked.failures.map((f) =>
        new proto.CheckFailure().setProperty(f.property).setReason(f.reason),
      );
      // Inputs are returned as given (secrets still wrapped): what config or env fill in stays out of state.
      // Only what a resource adds for its diff joins them (PodCopy's content hash).
      const inputs = req.getNews();
      for (const [key, value] of Object.entries(checked.added ?? {})) {
        inputs?.getFieldsMap().set(key, Value.fromJavaScript(value as JavaScriptValue));
      }
      return new proto.CheckResponse().setInputs(inputs).setFailuresList(failures);
    }),
    diff: unary(async (req: proto.DiffRequest) =>
      diffResponse(plugin.diff(req.getUrn(), toJs(req.getOlds()), toJs(req.getNews()))),
    ),
    create: unary(async (req: proto.CreateRequest) => {
      const { id, outs } = await plugin.create(req.getUrn(), toJs(req.getProperties()), seconds(req.getTimeout()));
      return new proto.CreateResponse().setId(id).setProperties(toStruct(outs));
    }),
    read: unary(async (req: proto.ReadRequest) => {
      const r = await plugin.read(req.getUrn(), req.getId(), toJs(req.getProperties()), toJs(req.getInputs()));
      // An empty id tells the engine the object is gone.
      if (!r) return new proto.ReadResponse().setId("");
      return new proto.ReadResponse().setId(r.id).setProperties(toStruct(r.outs)).setInputs(toStruct(r.inputs));
    }),
    update: unary(async (req: proto.UpdateRequest) => {
      const outs = await plugin.update(
        req.getUrn(),
        req.getId(),
        toJs(req.getOlds()),
        toJs(req.getNews()),
        seconds(req.getTimeout()),
      );
      return new proto.UpdateResponse().setProperties(toStruct(outs));
    }),
    delete: unary(async (req: proto.DeleteRequest) => {
      await plugin.delete(req.getUrn(), req.getId(), toJs(req.getProperties()), seconds(req.getTimeout()));
      return new Empty();
    }),
    cancel: unary(async () => {
      await plugin.cancel();
      return new Empty();
    }),
  };
}

export const ResourceProviderService = provrpc.ResourceProviderService;
