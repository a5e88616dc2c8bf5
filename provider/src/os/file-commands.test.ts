import assert from "node:assert/strict";
import { makeDirsScripts, modeOwnerScripts, removeScripts } from "./file-commands";

describe("os/file-commands: folders, mode, owner and removal as scripts", () => {
  it("quotes every path word by word for sh", () => {
    assert.deepEqual(makeDirsScripts("posix", ["/opt/a b", "/opt/$(x)"]), ["mkdir -p -- '/opt/a b' '/opt/$(x)'"]);
    assert.deepEqual(modeOwnerScripts(["/opt/a"], 0o755, "pod:pod"), [
      "chmod 0755 -- /opt/a && chown pod:pod -- /opt/a",
    ]);
    assert.deepEqual(modeOwnerScripts([], 0o644), []);
  });

  it("removes files, then only the folders left empty, deepest first", () => {
    const [rm, rmdir] = removeScripts("posix", ["/opt/t/a", "/opt/t/d/b"], ["/opt/t", "/opt/t/d"]);
    assert.equal(rm, "rm -f -- /opt/t/a /opt/t/d/b");
    assert.equal(rmdir, "rmdir -- /opt/t/d /opt/t 2>/dev/null; exit 0");
    const [ps] = removeScripts("powershell", ["C:\\t\\a"], ["C:\\t"]);
    assert.equal(
      ps,
      "Remove-Item -LiteralPath 'C:\\t\\a' -Force -ErrorAction SilentlyContinue; try { [IO.Directory]::Delete('C:\\t') } catch { }",
    );
  });

  it("splits long PowerShell lists so each script fits an encoded cmd.exe line", () => {
    const dirs = Array.from({ length: 100 }, (_, i) => `C:\\some\\rather\\long\\folder\\name\\number-${i}`);
    const scripts = makeDirsScripts("powershell", dirs);
    assert.ok(scripts.length > 1);
    assert.ok(scripts.every((s) => s.length <= 2400));
    assert.equal(scripts.join("; ").split("New-Item").length - 1, 100);
  });
});
