import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MAX_FILE_BYTES } from "../../provider/src/common/limits";
import type { PodCopyInputs, PodCopyOutputs } from "../../provider/src/resources/pod-copy/args";
import { PodCopyProvider } from "../../provider/src/resources/pod-copy/provider";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { memoryPeak, writeBigFile } from "../support/memory-peak";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** PodCopy's CRUD against lab guests: Linux over SSH, a container over Docker, a vcsim VM over guest operations. */
describe("PodCopy against lab guests (SSH, Docker, guest operations)", function () {
  this.timeout(600_000);
  const provider = new PodCopyProvider();
  const lab = requireLab();
  let guest: GuestContainer;
  let vm: LabVm;
  let dir: string;
  let big: string;
  let bigSha: string;
  const BIG = DEFAULT_MAX_FILE_BYTES + 32 * 1024 * 1024; // past the largest in-memory bound pod has

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pod-copy-"));
    mkdirSync(join(dir, "tree/sub"), { recursive: true });
    writeFileSync(join(dir, "tree/a.txt"), "alpha\n");
    writeFileSync(join(dir, "tree/sub/b.sh"), "#!/bin/sh\necho b\n", { mode: 0o755 });
    big = join(dir, "big.bin");
    [guest, vm] = await Promise.all([
      startGuest(),
      createLabVm({ prefix: "pcopy", waitFor: "ip" }),
      writeBigFile(big, BIG),
    ]).then(([g, v]) => [g, v] as const);
    bigSha = await sha256File(big);
  });
  after(async () => {
    await Promise.all([guest?.remove(), vm?.remove()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const targets = () => ({
    ssh: { host: guest.ip, user: guest.user, password: guest.password, hostKeys: guest.fingerprints },
    docker: { transport: "docker" as const, container: guest.id },
    guestops: {
      transport: "guestops" as const,
      vmId: vm.ref.value,
      user: "pod",
      password: "pod",
      vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
    },
  });
  /** Runs sh in the guest, as root, not through pod. */
  const inGuest = async (transport: "ssh" | "docker" | "guestops", script: string) => {
    if (transport !== "guestops") return (await guest.run(["sh", "-c", script])).stdout;
    const { default: Docker } = await import("dockerode");
    const docker = new Docker();
    const [found] = await docker.listContainers({ filters: { name: [`vcsim-${vm.name}-`] } });
    assert.ok(found, "vcsim's container for the VM");
    const exec = await docker.getContainer(found.Id).exec({ Cmd: ["sh", "-c", script], AttachStdout: true });
    const stream = await exec.start({});
    const chunks: Buffer[] = [];
    await new Promise((r) => {
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", r);
    });
    const all = Buffer.concat(chunks);
    const out: Buffer[] = [];
    for (let at = 0; at + 8 <= all.length; at += 8 + all.readUInt32BE(at + 4)) {
      out.push(all.subarray(at + 8, at + 8 + all.readUInt32BE(at + 4)));
    }
    return Buffer.concat(out).toString("utf8");
  };

  for (const transport of ["ssh", "docker", "guestops"] as const) {
    it(`${transport}: copies a tree with modes, re-copies only a changed file, removes what it copied`, async () => {
      const root = `/tmp/pod-copy-${transport}-${process.pid}`;
      writeFileSync(join(dir, "tree/a.txt"), "alpha\n");
      const inputs: PodCopyInputs = { target: targets()[transport], localPath: join(dir, "tree"), remotePath: root };
      assert.deepEqual((await provider.check({} as PodCopyInputs, inputs)).failures, []);
      const created = (await provider.create(inputs)).outs as PodCopyOutputs;
      assert.deepEqual(
        created.files.map((f) => f.path),
        [`${root}/a.txt`, `${root}/sub/b.sh`],
      );
      const listing = await inGuest(
        transport,
        `cd ${root} && sha256sum a.txt sub/b.sh && stat -c '%a %n' a.txt sub/b.sh`,
      );
      assert.match(listing, new RegExp(`${sha256("alpha\n")}  a.txt`));
      assert.match(listing, new RegExp(`${sha256("#!/bin/sh\necho b\n")}  sub/b.sh`));
      assert.match(listing, /644 a\.txt\n755 sub\/b\.sh/);

      // Unchanged content: no change. A changed file: only it is written again (the other keeps its old mtime).
      assert.equal((await provider.diff("id", created, inputs)).changes, false);
      await inGuest(transport, `touch -d 2001-01-01 ${root}/sub/b.sh && echo foreign > ${root}/sub/theirs.txt`);
      writeFileSync(join(dir, "tree/a.txt"), `alpha ${transport}\n`);
      const diff = await provider.diff("id", created, inputs);
      assert.deepEqual([diff.changes, diff.replaces], [true, []]);
      const updated = (await provider.update("id", created, inputs)).outs as PodCopyOutputs;
      assert.notEqual(updated.sha256, created.sha256);
      const after = await inGuest(transport, `cd ${root} && sha256sum a.txt && date -r sub/b.sh +%Y`);
      assert.match(after, new RegExp(`${sha256(`alpha ${transport}\n`)}  a.txt\n2001`));

      // Destroy removes what pod copied, and keeps what someone else put there (and the folder holding it).
      await provider.delete("id", updated);
      assert.equal(await inGuest(transport, `cd ${root} && find . | sort`), ".\n./sub\n./sub/theirs.txt\n");
      await inGuest(transport, `rm -rf ${root}`);
    });

    it(`${transport}: streams a file larger than pod's in-memory bounds, memory far below its size`, async () => {
      const remotePath = `/tmp/pod-copy-big-${transport}-${process.pid}.bin`;
      const inputs: PodCopyInputs = {
        target: targets()[transport],
        source: new pulumi.asset.FileAsset(big) as unknown as PodCopyInputs["source"],
        remotePath,
        mode: "0600",
        ...(transport === "ssh" ? {} : { owner: "pod:pod" }),
      };
      const { value, rssGrowth, buffersGrowth } = await memoryPeak(() => provider.create(inputs));
      const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
      console.log(
        `      ${transport}: ${mib(BIG)} copied; peak growth RSS ${mib(rssGrowth)}, Buffers ${mib(buffersGrowth)}`,
      );
      assert.ok(buffersGrowth < 64 * 1024 * 1024, `Buffers grew by ${mib(buffersGrowth)}`);
      assert.ok(rssGrowth < BIG / 2, `RSS grew by ${mib(rssGrowth)}, not far below the file's ${mib(BIG)}`);
      const outs = value.outs as PodCopyOutputs;
      assert.equal(outs.files[0]?.sha256, bigSha);
      const seen = await inGuest(
        transport,
        `sha256sum ${remotePath} | cut -d' ' -f1; stat -c '%a %U:%G %s' ${remotePath}`,
      );
      // Over SSH the file is the login user's (pod); elsewhere pod chowned it from root.
      assert.equal(seen, `${bigSha}\n600 pod:pod ${BIG}\n`);
      await provider.delete("id", outs);
      assert.equal(await inGuest(transport, `test -e ${remotePath} && echo there || echo gone`), "gone\n");
    });
  }

  it("docker: an AssetArchive of a StringAsset and a FileAsset; keepOnDelete leaves them", async () => {
    const root = `/opt/pod-copy-archive-${process.pid}`;
    const source = new pulumi.asset.AssetArchive({
      "conf/app.yml": new pulumi.asset.StringAsset("port: 8080\n"),
      "bin/b.sh": new pulumi.asset.FileAsset(join(dir, "tree/sub/b.sh")),
    });
    const inputs: PodCopyInputs = {
      target: targets().docker,
      source: source as unknown as PodCopyInputs["source"],
      remotePath: root,
      keepOnDelete: true,
    };
    const outs = (await provider.create(inputs)).outs as PodCopyOutputs;
    await provider.delete("id", outs);
    assert.equal(
      await inGuest("docker", `cd ${root} && cat conf/app.yml && stat -c %a bin/b.sh conf/app.yml`),
      "port: 8080\n755\n644\n",
    );
    await inGuest("docker", `rm -rf ${root}`);
  });

  it("refuses a relative or traversal remote path and a missing source before any I/O", async () => {
    const target = { host: "192.0.2.1", user: "pod", password: "x" }; // TEST-NET: never dialled
    const base = { target, localPath: join(dir, "tree") };
    for (const remotePath of ["tmp/x", "/tmp/../etc/cron.d", "/"]) {
      const { failures } = await provider.check({} as PodCopyInputs, { ...base, remotePath });
      assert.equal(failures?.[0]?.property, "remotePath", remotePath);
      await assert.rejects(provider.create({ ...base, remotePath }), (e: Error & { code?: string }) => {
        assert.equal(e.code, "INVALID_INPUT", `${remotePath}: ${e.message}`);
        assert.match(e.message, /absolute path in the guest/);
        return true;
      });
    }
    const missing = { ...base, localPath: join(dir, "nope"), remotePath: "/tmp/x" };
    const { failures } = await provider.check({} as PodCopyInputs, missing);
    assert.equal(failures?.[0]?.property, "localPath");
    assert.match(failures?.[0]?.reason ?? "", /does not exist.*Check the path/);
    await assert.rejects(provider.create(missing), (e: Error & { code?: string }) => e.code === "INVALID_INPUT");
  });
});
