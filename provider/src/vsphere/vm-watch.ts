import { sleep } from "../common/retry";
import type { MoRef, VsphereSession } from "./session";

/**
 * Wakes a wait loop as soon as vSphere says one of a VM's watched
 * properties changed (a private property collector and WaitForUpdatesEx),
 * instead of after a fixed poll interval. The loop still reads what it
 * needs itself after each wake-up, so what it decides is as with polling;
 * a wake-up comes at the latest after `maxWaitMs`, so a loop keeps its
 * deadline and its cancellation checks.
 */
export class VmWatch {
  #version = "";

  private constructor(
    readonly session: VsphereSession,
    readonly collector: MoRef,
  ) {}

  /** Starts watching `paths` of `vm`; the properties' current values are taken as seen. */
  static async open(session: VsphereSession, vm: MoRef, paths: string[]): Promise<VmWatch> {
    const collector = await session.call("CreatePropertyCollector", { _this: session.content.propertyCollector });
    const watch = new VmWatch(session, collector);
    try {
      await session.call("CreateFilter", {
        _this: collector,
        spec: { propSet: [{ type: "VirtualMachine", pathSet: paths }], objectSet: [{ obj: vm }] },
        partialUpdates: false,
      });
      // The first WaitForUpdatesEx answers at once with the current values: later ones wait for a change.
      await watch.changed(0);
      return watch;
    } catch (error) {
      await watch.close();
      throw error;
    }
  }

  /** Resolves true when a watched property changed, false when `maxWaitMs` passed without a change. */
  async changed(maxWaitMs: number): Promise<boolean> {
    // WaitForUpdatesEx counts whole seconds (0 = answer at once): a shorter wait is a plain sleep.
    const seconds = Math.floor(Math.max(0, maxWaitMs) / 1000);
    if (seconds === 0 && this.#version !== "") {
      await sleep(Math.max(0, maxWaitMs));
      return false;
    }
    const update = await this.session.call("WaitForUpdatesEx", {
      _this: this.collector,
      version: this.#version,
      options: { maxWaitSeconds: seconds },
    });
    if (!update) return false;
    this.#version = update.version;
    return true;
  }

  async close(): Promise<void> {
    await this.session.call("DestroyPropertyCollector", { _this: this.collector }).catch(() => undefined);
  }
}

/** Runs `fn` with a watch on `paths` of `vm`, closed after however `fn` ends. */
export async function withVmWatch<T>(
  session: VsphereSession,
  vm: MoRef,
  paths: string[],
  fn: (watch: VmWatch) => Promise<T>,
): Promise<T> {
  const watch = await VmWatch.open(session, vm, paths);
  try {
    return await fn(watch);
  } finally {
    await watch.close();
  }
}
