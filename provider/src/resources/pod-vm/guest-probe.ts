import type { GuestTarget } from "../../execution/guest-target";
import type { PodRuntime } from "../../execution/runtime";
import type { VmState } from "../../infra/types";
import { osFromGuestInfo } from "../../os/guest-info";
import type { VsphereConnectOptions } from "../../vsphere/session";
import { resourceTarget, toDetectedOs } from "../shared/runtime";
import type { DetectedOs, PodVmInputs } from "./args";

export interface GuestFacts {
  os: DetectedOs;
  /** SSH host key fingerprints read through VMware Tools: trusted pins for later SSH connections. */
  sshHostKeys: string[];
}

const guestInfoOf = (state: VmState) => ({
  ...(state.guestInfo.family ? { guestFamily: state.guestInfo.family } : {}),
  ...(state.guestInfo.guestId ? { guestId: state.guestInfo.guestId } : {}),
  ...(state.guestInfo.fullName ? { fullName: state.guestInfo.fullName } : {}),
});

/** The first link of OS detection, as vSphere's guest info says (the engine's one classifier). */
export function vsphereFacts(state: VmState): GuestFacts {
  return { os: toDetectedOs(osFromGuestInfo(guestInfoOf(state))), sshHostKeys: [] };
}

/**
 * The second link: a read-only probe in the guest, through VMware Tools
 * guest operations when they run (no network path or host key needed), else
 * over the transport the guest input names. On Linux it also reads the SSH
 * host keys, so commands can pin them instead of trusting the first key seen.
 */
export async function probeGuest(
  runtime: PodRuntime,
  vsphere: VsphereConnectOptions,
  state: VmState,
  guest: NonNullable<PodVmInputs["guest"]>,
): Promise<GuestFacts> {
  const transport = guest.transport ?? (state.guestInfo.toolsRunning ? "guestops" : "ssh");
  const target: GuestTarget = {
    transport,
    user: guest.user,
    ...(transport === "guestops" ? { vmId: state.id } : { host: state.primaryIp ?? "" }),
    ...(guest.port ? { port: guest.port } : {}),
    ...(guest.https !== undefined ? { https: guest.https } : {}),
    ...(guest.password ? { password: guest.password } : {}),
    ...(guest.privateKey ? { privateKey: guest.privateKey } : {}),
    ...(guest.hostKey ? { hostKeys: [guest.hostKey] } : {}),
  };
  const exec = resourceTarget(runtime, target, {}, state.name, vsphere);
  const facts = await runtime.guestFacts({ ...exec, guestInfo: guestInfoOf(state) });
  return { os: toDetectedOs(facts.os), sshHostKeys: facts.sshHostKeys };
}
