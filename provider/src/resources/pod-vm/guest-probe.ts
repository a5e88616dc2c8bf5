import { pickDialSettings } from "../../execution/dial-settings";
import type { GuestTarget } from "../../execution/guest-target";
import type { PodRuntime } from "../../execution/runtime";
import type { VmState } from "../../infra/types";
import { osFromGuestInfo } from "../../os/guest-info";
import type { VsphereConnectOptions } from "../../vsphere/session";
import { guestTargetFailures, withGuestDefaults } from "../shared/guest-defaults";
import { resourceTarget, toDetectedOs } from "../shared/runtime";
import type { ProviderConfig } from "../shared/vsphere-connection";
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
  config: ProviderConfig,
): Promise<GuestFacts> {
  const transport = guest.transport ?? (state.guestInfo.toolsRunning ? "guestops" : "ssh");
  const given: GuestTarget = {
    transport,
    ...(guest.user ? { user: guest.user } : {}),
    ...(transport === "guestops" ? { vmId: state.id } : { host: state.primaryIp ?? "" }),
    ...(guest.port ? { port: guest.port } : {}),
    ...(guest.https !== undefined ? { https: guest.https } : {}),
    ...(guest.password ? { password: guest.password } : {}),
    ...(guest.privateKey ? { privateKey: guest.privateKey } : {}),
    ...(guest.hostKey ? { hostKeys: [guest.hostKey] } : {}),
    // Jump host and dial settings apply to SSH only (a guestops probe needs no network path).
    ...(transport === "ssh" ? pickDialSettings(guest) : {}),
  };
  // What guest omits comes from pod:guest* / POD_GUEST_*, in memory only (shared/guest-defaults.ts).
  const target = await withGuestDefaults(given, config, process.env, "guest");
  const exec = resourceTarget(runtime, target, {}, state.name, vsphere);
  const facts = await runtime.guestFacts({ ...exec, guestInfo: guestInfoOf(state) });
  return { os: toDetectedOs(facts.os), sshHostKeys: facts.sshHostKeys };
}

/**
 * check's view of guest: the login it omits must come from config or env.
 * The transport may only be known at create (guestops when VMware Tools
 * runs), so a missing password is checked here only for a named transport.
 */
export function guestFailures(guest: PodVmInputs["guest"], config: ProviderConfig, env = process.env) {
  if (!guest || typeof guest !== "object") return [];
  const { transport, user, password } = guest;
  const target: GuestTarget = { ...(transport ? { transport } : {}), ...(user ? { user } : {}) };
  return guestTargetFailures({ ...target, ...(password ? { password } : {}) }, config, env, "guest");
}
