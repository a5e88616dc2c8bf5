import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../provider/src/common/secret";
import { retrieveByType } from "../provider/src/vsphere/property";
import { VsphereSession } from "../provider/src/vsphere/session";
import { type BenchRow, measure } from "./table";

const PORT_BASE = 18971;
const PATHS = ["name", "runtime.powerState", "config.hardware.numCPU", "config.hardware.memoryMB", "guest.ipAddress"];

/**
 * Issue 3/15: the properties of every VM, read by pod (ContainerView +
 * RetrievePropertiesEx pages) and by govc `object.collect` doing the same
 * query, against a vcsim of the bench's own (`-vm N`: N VMs in all, plus the 3 the lab's vcsim
 * always makes; on its own loopback
 * port; the lab's vcsim is never touched). govc keeps its session on disk by
 * default: the login-per-run row sets GOVC_PERSIST_SESSION=false, the warm
 * row keeps it (in a directory of the bench's own).
 */
export async function benchVsphereProperties(vms: number, runs: number, index: number): Promise<BenchRow[]> {
  const state = process.env.POD_LAB_STATE ?? "";
  const password = process.env.POD_VCSIM_PASSWORD ?? "";
  const addr = `127.0.0.1:${PORT_BASE + index}`;
  const vcsim = await startVcsim(state, addr, vms);
  const govmomiHome = mkdtempSync(join(tmpdir(), "pod-bench-govc-"));
  try {
    const connect = () =>
      VsphereSession.connect({
        host: addr,
        user: "pod",
        password: new Secret(password),
        trust: { ca: readFileSync(join(state, "tls/ca.pem")) },
      });
    const session = await connect();
    const expected = (await retrieveByType(session, "VirtualMachine", PATHS, { pageSize: 500 })).length;
    const check = (count: number, who: string) => {
      if (count !== expected) throw new Error(`${who} read ${count} VMs, expected ${expected}`);
    };
    const work = `properties of ${expected} VMs (vcsim -vm ${vms})`;
    const podWarm = await measure(runs, async () =>
      check((await retrieveByType(session, "VirtualMachine", PATHS, { pageSize: 500 })).length, "pod"),
    );
    await session.close();
    const podCold = await measure(runs, async () => {
      const cold = await connect();
      check((await retrieveByType(cold, "VirtualMachine", PATHS, { pageSize: 500 })).length, "pod (new session)");
      await cold.close();
    });
    const govc = (persist: boolean) => async () => {
      const r = spawnSync("govc", ["object.collect", "-json", "-type", "m", "/", ...PATHS], {
        env: {
          ...process.env,
          GOVC_URL: `https://pod:${password}@${addr}/sdk`,
          GOVC_TLS_CA_CERTS: join(state, "tls/ca.pem"),
          GOVC_PERSIST_SESSION: String(persist),
          GOVMOMI_HOME: govmomiHome,
        },
        encoding: "utf8",
        maxBuffer: 1 << 30,
      });
      if (r.status !== 0) throw new Error(`govc exited ${r.status}: ${r.stderr.slice(0, 300)}`);
      check((r.stdout.match(/"VirtualMachine"/g) ?? []).length, "govc");
    };
    return [
      { work, subject: "pod, session open", side: "pod", temperature: "warm", runsMs: podWarm, notes: "pages of 500" },
      {
        work,
        subject: "pod, new session each run",
        side: "pod",
        temperature: "cold",
        runsMs: podCold,
        notes: "login, version check, logout included",
      },
      {
        work,
        subject: "govc object.collect, login per run",
        side: "peer",
        temperature: "cold",
        runsMs: await measure(runs, govc(false)),
        notes: "GOVC_PERSIST_SESSION=false: a process and a login per run",
      },
      {
        work,
        subject: "govc object.collect, persisted session",
        side: "peer",
        temperature: "warm",
        runsMs: await measure(runs, govc(true)),
        notes: "a process per run, session kept on disk",
      },
    ];
  } finally {
    vcsim.kill("SIGTERM");
    rmSync(govmomiHome, { recursive: true, force: true });
  }
}

function startVcsim(state: string, addr: string, vms: number): Promise<ChildProcess> {
  execFileSync("bash", ["-c", `! ss -Hltn 'sport = :${addr.split(":")[1]}' | grep -q .`]);
  const p = spawn(
    "pod-vcsim",
    [
      "-l",
      addr,
      "-vm",
      String(vms),
      "-tlscert",
      join(state, "tls/server.pem"),
      "-tlskey",
      join(state, "tls/server-key.pem"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    p.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("pod-vcsim ready")) resolve(p);
    });
    p.on("exit", (code) => reject(new Error(`bench vcsim exited ${code}`)));
  });
}
