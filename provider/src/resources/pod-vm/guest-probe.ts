import { Secret } from "../../common/secret";
import { GuestOpsConnection } from "../../connections/guestops/guestops-connection";
import type { GuestConnection } from "../../connections/types";
import { readGuestFacts } from "../../execution/guest-facts";
import type { VmState } from "../../infra/types";
import { GuestOperations } from "../../vsphere/guest-ops";
import type { VsphereSession } from "../../vsphere/session";
import { type GuestRuntime, toDetectedOs } from "../shared/guest-runtime";
import { toGuestAccess } from "../shared/guest-target";
import type { DetectedOs, PodVmInputs } from "./args";

export interface GuestFacts {
  os: DetectedOs;
  /** SSH host key fingerprints read through VMware Tools: trusted pins for later SSH connections. */
  sshHostKeys: string[];
}

/**
 * The second link of OS detection: a read-only probe in the guest, through
 * VMware Tools guest operations when they run (no network path or host key
 * needed), else over the transport the guest input names. On Linux it also
 * reads the SSH host keys, so commands can pin them instead of trusting the
 * first key they see.
 */
export async function probeGuest(
  runtime: GuestRuntime,
  session: VsphereSession,
  state: VmState,
  guest: NonNullable<PodVmInputs["guest"]>,
): Promise<GuestFacts> {
  const transport = guest.transport ?? (state.guestInfo.toolsRunning ? "guestops" : "ssh");
  let connection: GuestConnection;
  if (transport === "guestops") {
    const ops = await GuestOperations.open(
      session,
      { type: "VirtualMachine", value: state.id },
      { username: guest.user, password: new Secret(guest.password ?? "") },
    );
    connection = new GuestOpsConnection(ops, state.name);
  } else {
    connection = runtime.connections.get(
      toGuestAccess({
        transport,
        host: state.primaryIp ?? "",
        user: guest.user,
        ...(guest.port ? { port: guest.port } : {}),
        ...(guest.https !== undefined ? { https: guest.https } : {}),
        ...(guest.password ? { password: guest.password } : {}),
        ...(guest.privateKey ? { privateKey: guest.privateKey } : {}),
        ...(guest.hostKey ? { hostKeys: [guest.hostKey] } : {}),
      }),
    );
  }
  const guestInfo = {
    ...(state.guestInfo.family ? { guestFamily: state.guestInfo.family } : {}),
    ...(state.guestInfo.guestId ? { guestId: state.guestInfo.guestId } : {}),
  };
  const facts = await readGuestFacts(runtime.executor, connection, state.name, guestInfo);
  return { os: toDetectedOs(facts.os), sshHostKeys: facts.sshHostKeys };
}
