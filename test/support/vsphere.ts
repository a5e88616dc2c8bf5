import { Secret } from "../../provider/src/common/secret";
import { VsphereSession } from "../../provider/src/vsphere/session";
import { requireLab } from "./lab-env";

/** A session to the lab's vcsim over verified TLS (the lab CA). */
export function labSession(): Promise<VsphereSession> {
  const lab = requireLab();
  return VsphereSession.connect({
    host: lab.vsphereHost,
    user: lab.vsphereUser,
    password: new Secret(lab.vspherePassword),
    trust: { ca: lab.ca },
  });
}

/** extraConfig that makes a vcsim VM a labelled container of `image` (see lab/README). */
export function containerBacking(image = "pod-guest-debian:12", extra = ""): Record<string, string> {
  return { "RUN.container": `--label pod.lab=1 ${extra} ${image}`.replace(/\s+/g, " "), "RUN.mountdmi": "false" };
}

/** A VM name no other test run uses. */
export const uniqueName = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}`;
