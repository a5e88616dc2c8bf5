import assert from "node:assert/strict";
import { checkPathForGuest, checkRemotePath, joinRemote, remoteDirname, remotePathProblem } from "./remote-path";

describe("execution/copy: remote paths", () => {
  it("accepts absolute POSIX and drive paths", () => {
    assert.equal(remotePathProblem("/opt/app/app.conf"), undefined);
    assert.equal(remotePathProblem("C:\\app\\app.conf"), undefined);
    assert.equal(remotePathProblem("D:/data"), undefined);
  });

  it("refuses relative, traversal, root and control-character paths with a typed error and a fix", () => {
    for (const bad of [
      "app.conf",
      "./app",
      "../etc/passwd",
      "/opt/../etc/passwd",
      "/opt/./x",
      "C:\\a\\..\\b",
      "/",
      "C:\\",
      "/a\nb",
      "",
    ]) {
      assert.throws(
        () => checkRemotePath(bad),
        (e: Error & { code?: string; fix?: string }) => e.code === "INVALID_INPUT" && /absolute path/.test(e.fix ?? ""),
        bad,
      );
    }
  });

  it("refuses a path of the other OS's kind once the guest is known", () => {
    assert.throws(() => checkPathForGuest("C:\\app", false), /is a windows path, but the guest runs Linux/);
    assert.throws(() => checkPathForGuest("/opt/app", true), /is a posix path, but the guest runs Windows/);
    checkPathForGuest("/opt/app", false);
  });

  it("joins and splits in the guest's style", () => {
    assert.equal(joinRemote("/opt/app/", "conf/a.yml", "posix"), "/opt/app/conf/a.yml");
    assert.equal(joinRemote("C:\\app", "conf/a.yml", "windows"), "C:\\app\\conf\\a.yml");
    assert.equal(joinRemote("/opt/f", "", "posix"), "/opt/f");
    assert.equal(remoteDirname("/opt/app/a.yml", "posix"), "/opt/app");
    assert.equal(remoteDirname("/a.yml", "posix"), "/");
    assert.equal(remoteDirname("C:\\app\\a.yml", "windows"), "C:\\app");
    assert.equal(remoteDirname("C:\\a.yml", "windows"), "C:\\");
  });
});
