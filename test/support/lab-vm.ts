/**
 * The one way lab tests make a vcsim VM: cloned from a lab template, NICs on
 * the named port groups, optionally backed by a guest container (so it has
 * an IP, VMware Tools guest operations and sshd), powered on and waited for
 * — ready when this resolves. remove() destroys it; suites call it in after().
 */
import assert from "node:assert/strict";
import { findOne } from "../../provider/src/vsphere/finder";
import { listPortGroups, pickPortGroup } from "../../provider/src/vsphere/networks";
import { resolveDatacenter, resolvePlacement } from "../../provider/src/vsphere/placement";
import type { MoRef } from "../../provider/src/vsphere/session";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { cloneVm, destroyVm, powerOn, waitForIp } from "../../provider/src/vsphere/vm-ops";
import type { GuestImage } from "./guest-container";
import { waitForPort } from "./ready";
import { containerBacking, labSession, uniqueName } from "./vsphere";

export interface LabVmOptions {
  /** Name prefix; a unique suffix is added. */
  prefix?: string;
  template?: string;
  /** One NIC per entry, by port group name or VLAN (default: one NIC on "VM Network"). */
  nics?: ({ network: string } | { vlanId: number })[];
  /** Back the VM with a guest container (docker run arguments in `extra`); false for a bare VM. */
  container?: { image?: GuestImage; extra?: string } | false;
  /** Power on (default: when container-backed). */
  powerOn?: boolean;
  /** What "ready" means once on: "ip" (VMware Tools reports it) or "ssh" (port 22 answers; default). */
  waitFor?: "ip" | "ssh";
}

export interface LabVm {
  name: string;
  ref: MoRef;
  /** The guest IP once powered on; "" for a VM left off. */
  ip: string;
  remove(): Promise<void>;
}

export async function createLabVm(options: LabVmOptions = {}): Promise<LabVm> {
  const name = uniqueName(options.prefix ?? "vm");
  const container = options.container ?? {};
  const session = await labSession();
  let ref: MoRef | undefined;
  const remove = async () => {
    if (!ref) return;
    const s = await labSession();
    try {
      await destroyVm(s, ref, 5_000).catch(() => undefined);
    } finally {
      await s.close();
    }
  };
  try {
    const dc = await resolveDatacenter(session);
    const template = await readVm(
      session,
      await findOne(session, "VirtualMachine", options.template ?? "pod-template-debian12"),
    );
    assert.ok(template, "the lab template exists");
    const all = await listPortGroups(session, dc.networkFolder);
    const nics = (options.nics ?? [{ network: "VM Network" }]).map((n) => ({ portGroup: pickPortGroup(all, n) }));
    ref = await cloneVm(
      session,
      template,
      name,
      await resolvePlacement(session, dc, {}),
      {
        nics,
        ...(container ? { extraConfig: containerBacking(container.image, container.extra) } : {}),
      },
      60_000,
    );
    let ip = "";
    if (options.powerOn ?? container !== false) {
      await powerOn(session, ref, 60_000);
      ip = (await waitForIp(session, ref, 60_000)).guest.ipAddress ?? "";
      if ((options.waitFor ?? "ssh") === "ssh" && container) await waitForPort(ip, 22); // sshd up: host keys exist
    }
    return { name, ref, ip, remove };
  } catch (error) {
    await remove();
    throw error;
  } finally {
    await session.close();
  }
}
