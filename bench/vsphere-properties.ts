import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "../provider/src/common/secret";
import { retrieveByType } from "../provider/src/vsphere/property";
import { VsphereSession } from "../provider/src/vsphere/session";
import { type BenchRow, medianMs } from "./table";

const VMS = 500;
const ADDR = "127.0.0.1:18990";
const PATHS = ["name", "runtime.powerState", "config.hardware.numCPU", "config.hardware.memoryMB", "guest.ipAddress"];

/**
 * Issue 3: the properties of 500 VMs, read by pod (ContainerView +
 * RetrievePropertiesEx pages) and by govc `object.collect` doing the same
 * query, against a vcsim of its own with 500 VMs.
 */
export async function benchVsphereProperties(): Promise<BenchRow[]> {
  const state = process.env.POD_LAB_STATE ?? "";
  const password = process.env.POD_VCSIM_PASSWORD ?? "";
  const vcsim = await startVcsim(state);
  try {
    let calls = 0;
    const connect = () =>
      VsphereSession.connect({
        host: ADDR,
        user: "pod",
        password: new Secret(password),
        trust: { ca: readFileSync(join(state, "tls/ca.pem")) },
        onCall: () => {
          calls++;
        },
      });
    const session = await connect();
    let count = 0;
    const podMs = await medianMs(5, async () => {
      calls = 0;
      count = (await retrieveByType(session, "VirtualMachine", PATHS, { pageSize: 500 })).length;
    });
    const podCalls = calls;
    await session.close();
    const podColdMs = await medianMs(5, async () => {
      const cold = await connect();
      await retrieveByType(cold, "VirtualMachine", PATHS, { pageSize: 500 });
      await cold.close();
    });

    const govcEnv = {
      ...process.env,
      GOVC_URL: `https://pod:${password}@${ADDR}/sdk`,
      GOVC_TLS_CA_CERTS: join(state, "tls/ca.pem"),
    };
    const govc = () =>
      new Promise<void>((resolve, reject) => {
        const p = spawn("govc", ["object.collect", "-json", "-type", "m", "/", ...PATHS], {
          env: govcEnv,
          stdio: ["ignore", "ignore", "inherit"],
        });
        p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`govc exited ${code}`))));
      });
    const govcMs = await medianMs(5, govc);
    return [
      {
        benchmark: `properties of ${count} VMs`,
        subject: "pod",
        wallMs: podMs,
        notes: `${podCalls} SOAP round trips: view, ${podCalls - 2} page(s) of 500, destroy view`,
      },
      {
        benchmark: `properties of ${count} VMs`,
        subject: "pod, new session each run",
        wallMs: podColdMs,
        notes: "login, version check and logout included",
      },
      {
        benchmark: `properties of ${count} VMs`,
        subject: "govc object.collect",
        wallMs: govcMs,
        notes: `a process and a login per run; pod (new session) is ${(govcMs / podColdMs).toFixed(1)}x faster`,
      },
    ];
  } finally {
    vcsim.kill("SIGTERM");
  }
}

function startVcsim(state: string): Promise<ChildProcess> {
  execFileSync("bash", ["-c", `! ss -Hltn 'sport = :${ADDR.split(":")[1]}' | grep -q .`]);
  const p = spawn(
    "pod-vcsim",
    [
      "-l",
      ADDR,
      "-vm",
      String(VMS),
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
