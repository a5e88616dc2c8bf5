/**
 * The quickstart example driven as a user drives it (examples/run.sh), and
 * what the e2e tests read or clear in the shared vcsim around it.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { listNamed } from "../../provider/src/vsphere/finder";
import { resolveDatacenter } from "../../provider/src/vsphere/placement";
import { removeStandardPortGroup } from "../../provider/src/vsphere/portgroups";
import { destroyVm } from "../../provider/src/vsphere/vm-ops";
import { labSession } from "./vsphere";

const repo = join(__dirname, "../..");

/** examples/run.sh quickstart on `stack`, with stdout and stderr together. */
export function runQuickstart(stack: string, ...args: string[]): { status: number | null; out: string } {
  return runQuickstartWith({}, stack, ...args);
}

/** runQuickstart with extra environment, e.g. POD_PULUMI_BACKEND_URL for another state backend. */
export function runQuickstartWith(
  env: NodeJS.ProcessEnv,
  stack: string,
  ...args: string[]
): { status: number | null; out: string } {
  const r = spawnSync("bash", [join(repo, "examples/run.sh"), "quickstart", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env, POD_STACK: stack },
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Like runQuickstart, failing with the CLI's output on a non-zero exit. */
export function quickstart(stack: string, ...args: string[]): string {
  return quickstartWith({}, stack, ...args);
}

/** Like runQuickstartWith, failing with the CLI's output on a non-zero exit. */
export function quickstartWith(env: NodeJS.ProcessEnv, stack: string, ...args: string[]): string {
  const r = runQuickstartWith(env, stack, ...args);
  if (r.status !== 0) throw new Error(`examples/run.sh quickstart ${args.join(" ")} exited ${r.status}:\n${r.out}`);
  return r.out;
}

/** Names of every object of `type` in vcsim, sorted. */
export async function inventoryNames(type: "VirtualMachine" | "Network"): Promise<string[]> {
  const session = await labSession();
  try {
    return (await listNamed(session, type)).map((v) => v.name).sort();
  } finally {
    await session.close();
  }
}

/** Removes what a stack left in the shared vcsim (the VM, then its port group), best effort. */
export async function sweepVcsim(vmName: string, portGroup: string): Promise<void> {
  const session = await labSession();
  try {
    const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName);
    if (vm) await destroyVm(session, vm.ref, 5_000).catch(() => undefined);
    const dc = await resolveDatacenter(session);
    await removeStandardPortGroup(session, dc, portGroup, ["DC0_C0_H0", "DC0_C0_H1"]).catch(() => undefined);
  } finally {
    await session.close();
  }
}
