import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { defaultOsRegistry, getOsHandler, OsRegistry, registerOsHandler } from "./registry";
import { posixArgv, posixShellScript } from "./shell/posix";
import type { OsHandler, PosixFacts } from "./types";

const freebsdFacts: PosixFacts = {
  kind: "posix",
  uname: "FreeBSD 14.1-RELEASE amd64",
  osRelease: { ID: "freebsd", VERSION_ID: "14.1", NAME: "FreeBSD" },
  releaseFiles: {},
  pid1: "init",
  containerMarkers: [],
  tools: ["ifconfig"],
};

const freebsd: OsHandler = {
  dialect: "posix",
  detect: (facts) =>
    facts.kind === "posix" && facts.uname.startsWith("FreeBSD")
      ? {
          family: "freebsd",
          distribution: "freebsd",
          version: facts.osRelease.VERSION_ID ?? "",
          container: false,
          tools: facts.tools,
        }
      : undefined,
  commandLine: posixArgv,
  script: (script, shell) => posixShellScript(shell === "bash" ? "bash" : "sh", script),
};

describe("os/registry", () => {
  it("has the built-in handlers, most specific first", () => {
    assert.deepEqual(defaultOsRegistry.names(), ["rocky-container", "windows", "linux"]);
  });

  it("adds an OS with one registration (freebsd)", () => {
    assert.equal(defaultOsRegistry.classify(freebsdFacts, { transport: "ssh" }), undefined, "unknown before");
    const unregister = registerOsHandler("freebsd", freebsd);
    try {
      const os = defaultOsRegistry.classify(freebsdFacts, { transport: "ssh" });
      assert.equal(os?.type, "freebsd");
      assert.equal(os?.version, "14.1");
      assert.equal(getOsHandler("freebsd")?.commandLine(["ls", "-l", "a b"]), "ls -l 'a b'");
      assert.equal(defaultOsRegistry.names()[0], "freebsd", "asked first");
    } finally {
      unregister();
    }
    assert.equal(getOsHandler("freebsd"), undefined);
  });

  it("refuses unknown guests with OS_UNKNOWN and a fix", () => {
    const registry = new OsRegistry();
    assert.throws(
      () => registry.require("unknown"),
      (e) => isPodError(e, "OS_UNKNOWN") && /nothing was run/.test(e.message) && /registerOsHandler/.test(e.fix ?? ""),
    );
    assert.throws(
      () =>
        defaultOsRegistry.require({
          type: "plan9",
          family: "",
          distribution: "",
          version: "",
          container: false,
          tools: [],
        }),
      (e) => isPodError(e, "OS_UNKNOWN"),
    );
  });

  it("checks handler names", () => {
    const registry = new OsRegistry();
    assert.throws(
      () => registry.register("unknown", freebsd),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.throws(
      () => registry.register("Free BSD", freebsd),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });
});
