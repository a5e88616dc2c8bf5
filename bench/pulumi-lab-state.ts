/**
 * The Pulumi cost curve's untimed looks at the peer's side: the stack's own
 * outputs and state (pulumi), vcsim's inventory (the lab's govc, its own
 * login per call so no session file is shared), the guest containers' memory
 * (docker stats) and the machine's available memory.
 */
import { readFileSync } from "node:fs";
import { dockerMemBytes } from "./pulumi-checks";
import { labEnv, type Program, sh } from "./pulumi-programs";

const pulumi = (program: Program, what: string, ...args: string[]) =>
  sh(what, "pulumi", [...args, "--stack", program.stack, "--non-interactive"], program.dir, program.env);

/** `pulumi stack output --json --show-secrets` (the fleet's hostname output is secret-tainted; it is only counted). */
export const stackOutputs = (program: Program): string =>
  pulumi(program, "stack output", "stack", "output", "--json", "--show-secrets");

export const stackExport = (program: Program): string => pulumi(program, "stack export", "stack", "export");

/** Paths of vcsim's VMs whose name starts with prefix. */
export function vcsimVms(prefix: string): string[] {
  const lab = labEnv();
  const env = {
    ...process.env,
    GOVC_URL: `https://${lab.POD_VSPHERE_HOST}/sdk`,
    GOVC_USERNAME: lab.POD_VSPHERE_USER,
    GOVC_PASSWORD: process.env.POD_VCSIM_PASSWORD ?? "",
    GOVC_TLS_CA_CERTS: lab.POD_VSPHERE_CA_FILE,
    GOVC_PERSIST_SESSION: "false",
  };
  return sh("govc find", "govc", ["find", "/", "-type", "m", "-name", `${prefix}*`], process.cwd(), env)
    .split("\n")
    .filter(Boolean);
}

/** Sum of the memory of the guest containers vcsim runs for VMs named prefix… (vcsim names them vcsim-<vm>-<uuid>). */
export function guestContainersMemory(prefix: string): { count: number; bytes: number } {
  const ids = sh("docker ps", "docker", ["ps", "-q", "--filter", `name=vcsim-${prefix}`], process.cwd())
    .split("\n")
    .filter(Boolean);
  if (!ids.length) return { count: 0, bytes: 0 };
  const usage = sh(
    "docker stats",
    "docker",
    ["stats", "--no-stream", "--format", "{{.MemUsage}}", ...ids],
    process.cwd(),
  )
    .split("\n")
    .filter(Boolean);
  return { count: usage.length, bytes: usage.reduce((sum, u) => sum + (dockerMemBytes(u) || 0), 0) };
}

/** MemAvailable from /proc/meminfo: what the machine could still give guests without swapping. */
export function availableMemoryBytes(): number {
  return Number(/MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) * 1024;
}
