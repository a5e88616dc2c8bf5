/**
 * Loads the lab's lab.env (written by `make lab`) into process.env, so tests
 * find vcsim, its CA, the Pulumi backend, … Tests that need the lab call
 * `requireLab()`, which fails with the fix when the lab is not up.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const state = process.env.POD_LAB_STATE ?? join(process.env.POD_CACHE ?? join(homedir(), ".cache", "pod-lab"), "state");
const envFile = join(state, "lab.env");
// Components brought up by their own step write env.d/<name>.env; read those too,
// so a component started after lab.env was written is still found.
const fragmentDir = join(state, "env.d");
const fragments = existsSync(fragmentDir)
  ? readdirSync(fragmentDir)
      .filter((name) => name.endsWith(".env"))
      .sort()
      .map((name) => join(fragmentDir, name))
  : [];

for (const file of [envFile, ...fragments].filter((f) => existsSync(f))) {
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) process.env[line.slice(0, eq)] ??= line.slice(eq + 1);
  }
}

/** The lab's settings as loaded, so a test that edits process.env cannot lose them. */
const loaded: NodeJS.ProcessEnv = { ...process.env };

export interface LabEnv {
  state: string;
  vsphereHost: string;
  vsphereUser: string;
  vspherePassword: string;
  caFile: string;
  ca: Buffer;
  thumbprint: string;
}

export function requireLab(): LabEnv {
  const need = (name: string): string => {
    const value = loaded[name];
    if (!value) throw new Error(`${name} is not set: the lab is not up. Run \`make lab\` first (or \`make test\`).`);
    return value;
  };
  const caFile = need("POD_VSPHERE_CA_FILE");
  return {
    state,
    vsphereHost: need("POD_VSPHERE_HOST"),
    vsphereUser: need("POD_VSPHERE_USER"),
    vspherePassword: need("POD_VCSIM_PASSWORD"),
    caFile,
    ca: readFileSync(caFile),
    thumbprint: need("POD_VSPHERE_THUMBPRINT"),
  };
}

/** The lab's vcsim as a resource's `connection` input (the CA file, not the pinned thumbprint). */
export function vsphereConnectionOf(lab: LabEnv): { host: string; user: string; password: string; caFile: string } {
  return { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile };
}
