import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildManifest } from "../execution/copy/source";
import { ARCHIVE_SIG, ASSET_SIG, SIG_KEY } from "../resources/pod-copy/args";
import { PodPlugin } from "./plugin";
import { wireSecret } from "./wire";

const URN = "urn:pulumi:dev::proj::pod:index:PodCopy::conf";
const target = { transport: "docker", container: "guest-1" };
/** Assets as the engine sends them to a provider (sdk/go/common/resource/asset): signature, hash, then content. */
const fileAsset = (path: string) => ({ [SIG_KEY]: ASSET_SIG, hash: "engine-hash", path });
const elided = { [SIG_KEY]: ASSET_SIG, hash: "engine-hash" };

describe("plugin/pod-copy: PodCopy over assets in the engine's wire form", () => {
  const plugin = new PodPlugin(() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "pod-plugin-copy-"));
  const file = join(dir, "app.conf");
  writeFileSync(file, "port=1\n");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("check reads a file asset and hands back its content hash for diff, which gets the asset without content", async () => {
    const r = await plugin.check(URN, { target, source: fileAsset(file), remotePath: "/etc/app.conf" });
    assert.deepEqual(r.failures, []);
    const { sha256 } = await buildManifest({ kind: "path", path: file });
    assert.deepEqual(r.added, { sourceSha256: sha256 });
  });

  it("check takes an archive of entries (texts) and names a missing file or a remote asset as the source's problem", async () => {
    const archive = { [SIG_KEY]: ARCHIVE_SIG, assets: { "a/b.txt": { [SIG_KEY]: ASSET_SIG, text: "hi" } } };
    const ok = await plugin.check(URN, { target, source: archive, remotePath: "/srv/app" });
    const { sha256 } = await buildManifest({ kind: "entries", entries: { "a/b.txt": { kind: "text", text: "hi" } } });
    assert.deepEqual(ok, { failures: [], added: { sourceSha256: sha256 } });
    const missing = await plugin.check(URN, { target, source: fileAsset(join(dir, "nope")), remotePath: "/x" });
    assert.equal(missing.failures[0]?.property, "source");
    assert.match(missing.failures[0]?.reason ?? "", /does not exist/);
    assert.equal(missing.added, undefined);
    const remote = { [SIG_KEY]: ASSET_SIG, hash: "h", uri: "https://example.invalid/x" };
    const refused = await plugin.check(URN, { target, source: remote, remotePath: "/x" });
    assert.match(refused.failures[0]?.reason ?? "", /remote asset/);
  });

  it("diff compares the content hash from check: the same bytes change nothing, new bytes update the source", () => {
    const olds = { target: wireSecret(target), source: elided, remotePath: "/etc/app.conf", sha256: "s1", files: [] };
    const news = { target, source: elided, remotePath: "/etc/app.conf", sourceSha256: "s1" };
    assert.equal(plugin.diff(URN, olds, news).changes, false);
    const changed = plugin.diff(URN, olds, { ...news, sourceSha256: "s2" });
    assert.deepEqual(changed.detailed, { source: { kind: "update", replace: false } });
    const moved = plugin.diff(URN, olds, { ...news, remotePath: "/etc/other.conf" });
    assert.deepEqual(moved.replaces, ["remotePath"]);
    assert.equal(moved.deleteBeforeReplace, true, "the old copy goes before the new one lands");
    const unknown = plugin.diff(URN, olds, { ...news, sourceSha256: undefined });
    assert.equal(unknown.detailed.source?.kind, "update", "no hash from check (preview): the content may change");
  });

  it("refresh keeps the record; import is refused with UNSUPPORTED", async () => {
    const outs = { remotePath: "/x", sha256: "s1" };
    assert.deepEqual(await plugin.read(URN, "id-1", outs, {}), { id: "id-1", outs, inputs: {} });
    await assert.rejects(plugin.read(URN, "id-1", {}, {}), /A PodCopy cannot be imported/);
  });
});
