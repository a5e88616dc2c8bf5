import { cancelledError, onAbort, stepSignal } from "../common/cancel";
import { PodError } from "../common/errors";
import type { MoRef, VsphereSession } from "./session";
import { vimFaultError } from "./soap/fault";
import type { PropertyFilterSpec, RetrieveResult, TaskInfo, UpdateSet } from "./soap/generated/types";
import type { VimInput } from "./soap/typed";

export interface ObjectProps<P = Record<string, unknown>> {
  obj: MoRef;
  props: P;
}

const toProps = (result: RetrieveResult | undefined): ObjectProps[] =>
  (result?.objects ?? []).map((o) => ({
    obj: o.obj,
    props: Object.fromEntries((o.propSet ?? []).map((p) => [p.name, p.val])),
  }));

/** Follows continuation tokens: one round trip per page of `pageSize` objects. */
async function retrieveAll(
  session: VsphereSession,
  specSet: VimInput<PropertyFilterSpec>[],
  pageSize: number,
): Promise<ObjectProps[]> {
  const pc = session.content.propertyCollector;
  let result = await session.call("RetrievePropertiesEx", {
    _this: pc,
    specSet,
    options: { maxObjects: pageSize },
  });
  const out = toProps(result);
  while (result?.token) {
    result = await session.call("ContinueRetrievePropertiesEx", { _this: pc, token: result.token });
    out.push(...toProps(result));
  }
  return out;
}

/** Properties of known objects, one round trip for all of them. */
export async function retrieveProperties<P = Record<string, unknown>>(
  session: VsphereSession,
  objs: MoRef[],
  paths: string[],
): Promise<ObjectProps<P>[]> {
  if (objs.length === 0) return [];
  const types = [...new Set(objs.map((o) => o.type))];
  const specSet = [
    {
      propSet: types.map((type) => ({ type, pathSet: paths })),
      objectSet: objs.map((obj) => ({ obj })),
    },
  ];
  return (await retrieveAll(session, specSet, 1000)) as ObjectProps<P>[];
}

/**
 * Every object of `type` under `container` (recursively) with the given
 * properties, through a ContainerView: pages of `pageSize`, not one call per object.
 */
export async function retrieveByType<P = Record<string, unknown>>(
  session: VsphereSession,
  type: string,
  paths: string[],
  options: { container?: MoRef; pageSize?: number } = {},
): Promise<ObjectProps<P>[]> {
  const view = await session.call("CreateContainerView", {
    _this: session.content.viewManager,
    container: options.container ?? session.content.rootFolder,
    type: [type],
    recursive: true,
  });
  try {
    const specSet = [
      {
        propSet: [{ type, pathSet: paths }],
        objectSet: [
          {
            obj: view,
            skip: true,
            selectSet: [{ _type: "TraversalSpec", name: "view", type: "ContainerView", path: "view", skip: false }],
          },
        ],
      },
    ];
    return (await retrieveAll(session, specSet, options.pageSize ?? 500)) as ObjectProps<P>[];
  } finally {
    await session.call("DestroyView", { _this: view }).catch(() => undefined);
  }
}

/**
 * Waits for a task through WaitForUpdatesEx on its `info` (a private
 * property collector per wait), and returns `info.result`. A failed task
 * becomes a typed error; past `timeoutMs` a TIMEOUT error. When the signal
 * (given, else the step's: common/cancel.ts) fires, the task is cancelled in
 * vSphere (CancelTask) and the wait goes on until vSphere says how it ended:
 * cancelled is CANCELLED; a task that finished first returns its result, so
 * the caller can undo what it made.
 */
export async function waitForTask<T = unknown>(
  session: VsphereSession,
  task: MoRef,
  options: { timeoutMs?: number; what?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  const what = options.what ?? task.value;
  const signal = options.signal ?? stepSignal();
  const collector = await session.call("CreatePropertyCollector", { _this: session.content.propertyCollector });
  // A task that cannot be cancelled (or is done already) answers with a fault: the wait tells how it ended.
  const unsubscribe = onAbort(signal, () => {
    session.call("CancelTask", { _this: task }).catch(() => undefined);
  });
  try {
    await session.call("CreateFilter", {
      _this: collector,
      spec: { propSet: [{ type: "Task", pathSet: ["info"] }], objectSet: [{ obj: task }] },
      partialUpdates: false,
    });
    let version = "";
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new PodError("TIMEOUT", `Task ${what} did not finish in time.`, {
          fix: "Raise the timeout, or look at the task in vSphere.",
          details: { task: task.value },
        });
      }
      const update = await session.call("WaitForUpdatesEx", {
        _this: collector,
        version,
        options: { maxWaitSeconds: Math.max(1, Math.min(30, Math.ceil(remaining / 1000))) },
      });
      if (!update) continue;
      version = update.version;
      const info = latestInfo(update);
      if (info?.state === "success") return info.result as T;
      if (info?.state === "error") {
        if (signal?.aborted && info.error?.fault?._type === "RequestCanceled") {
          throw cancelledError(`Task ${what}`, signal);
        }
        throw taskError(info, what);
      }
    }
  } finally {
    unsubscribe();
    await session.call("DestroyPropertyCollector", { _this: collector }).catch(() => undefined);
  }
}

function latestInfo(update: UpdateSet): TaskInfo | undefined {
  let info: TaskInfo | undefined;
  for (const filter of update.filterSet ?? []) {
    for (const object of filter.objectSet ?? []) {
      for (const change of object.changeSet ?? []) {
        if (change.name === "info" && change.val) info = change.val as TaskInfo;
      }
    }
  }
  return info;
}

function taskError(info: TaskInfo, what: string) {
  const type = info.error?.fault?._type ?? "Unknown";
  const message = info.error?.localizedMessage || `task ${info.descriptionId ?? ""} failed`;
  const error = vimFaultError(type, message, what, info.error?.fault);
  return error.code === "VSPHERE_FAULT"
    ? new PodError("TASK_FAILED", error.message, { details: error.details, cause: error })
    : error;
}
