/**
 * vcsim's own view of a VM, read through a separate session with raw
 * property reads (not pod's VmInfo parsing or PodVm's outputs), so lab tests
 * check outcomes from the server's side.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { retrieveByType, retrieveProperties, waitForTask } from "../../provider/src/vsphere/property";
import type { MoRef } from "../../provider/src/vsphere/session";
import { labSession } from "./vsphere";

export interface RawDisk {
  key: number;
  capacityInKB: number;
  fileName: string;
  thinProvisioned?: boolean;
  eagerlyScrub?: boolean;
  parent?: string;
}

/** The VM called `name` as vcsim lists it, or undefined: "was anything made?". */
export async function vmByName(name: string): Promise<MoRef | undefined> {
  const session = await labSession();
  try {
    const all = await retrieveByType<{ name: string }>(session, "VirtualMachine", ["name"]);
    return all.find((o) => o.props.name === name)?.obj;
  } finally {
    await session.close();
  }
}

/** Any vim25 property paths of one managed object, as vcsim returns them. */
export async function rawProps(ref: MoRef, paths: string[]): Promise<Record<string, unknown>> {
  const session = await labSession();
  try {
    const [o] = await retrieveProperties<Record<string, unknown>>(session, [ref], paths);
    return o?.props ?? {};
  } finally {
    await session.close();
  }
}

/** The VM's VirtualDisk devices, straight from config.hardware.device. */
export async function rawDisks(vm: MoRef): Promise<RawDisk[]> {
  const devices = ((await rawProps(vm, ["config.hardware.device"]))["config.hardware.device"] ?? []) as Record<
    string,
    // biome-ignore lint/suspicious/noExplicitAny: raw vim25 devices, read field by field below
    any
  >[];
  return devices
    .filter((d) => d._type === "VirtualDisk")
    .map((d) => ({
      key: d.key,
      capacityInKB: d.capacityInKB,
      fileName: d.backing?.fileName,
      thinProvisioned: d.backing?.thinProvisioned,
      eagerlyScrub: d.backing?.eagerlyScrub,
      parent: d.backing?.parent?.fileName,
    }))
    .sort((a, b) => a.key - b.key);
}

/** A local datastore on one vcsim host, backed by a fresh temp directory; remove() destroys it. */
export async function createLocalDatastore(hostName: string, name: string) {
  const dir = mkdtempSync(join(tmpdir(), "pod-ds-"));
  const session = await labSession();
  try {
    const hosts = await retrieveByType<{ name: string; "configManager.datastoreSystem": MoRef }>(
      session,
      "HostSystem",
      ["name", "configManager.datastoreSystem"],
    );
    const host = hosts.find((h) => h.props.name === hostName);
    if (!host) throw new Error(`no vcsim host ${hostName}`);
    const ref = await session.call("CreateLocalDatastore", {
      _this: host.props["configManager.datastoreSystem"],
      name,
      path: dir,
    });
    const remove = async () => {
      const s = await labSession();
      try {
        await waitForTask(s, await s.call("Destroy_Task", { _this: ref }));
      } finally {
        await s.close();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    return { ref, dir, remove };
  } finally {
    await session.close();
  }
}

export const vmdkIn = (dir: string, vm: string) => join(dir, vm, `${vm}.vmdk`);
export { join };
