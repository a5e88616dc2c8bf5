import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack } from "../support/plugin-stack";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" });

/** The guest's own process list (docker exec, not through pod). */
const guestProcesses = (container: string) => docker("exec", container, "ps", "-eo", "args");

interface EngineEvent {
  timestamp: number;
  diagnosticEvent?: { urn?: string; message: string; severity: string };
  resOutputsEvent?: { metadata: { urn: string; type: string } };
}

/**
 * The lines the plugin logged for the PodCommand (severity info, attached to its URN). Debug events
 * are the Node SDK's own: its "RegisterResource RPC finished" line dumps the resource's outputs,
 * secret values included (docs/plugin.md), so they are left out here.
 */
const commandLines = (events: EngineEvent[]) =>
  events.filter((e) => e.diagnosticEvent?.severity === "info" && /PodCommand::cmd$/.test(e.diagnosticEvent.urn ?? ""));

const readEvents = (file: string): EngineEvent[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent);

/** Issue 13: what only the plugin gives a PodCommand: customTimeouts and live output in the engine's events. */
describe("plugin: PodCommand timeouts and live output", function () {
  // Each step is a Pulumi CLI run (plugin start-up included); several per test on a busy lab.
  this.timeout(900_000);
  const lab = requireLab();
  const container = `pod-plugin-cmd-${process.pid}`;
  let s: PluginStack;

  before(() => {
    docker("run", "-d", "--rm", "--name", container, "--label", "pod.lab=1", "pod-guest-debian:12");
    s = pluginStack("ts-plugin-scenarios", `cmd${process.pid}`, lab);
    s.ok("config", "set", "scenario", "command");
    s.ok("config", "set", "container", container);
  });

  after(() => {
    s?.remove();
    docker("rm", "-f", container);
  });

  it("a create over customTimeouts { create: 5s } fails with TIMEOUT and leaves nothing running in the guest", async () => {
    s.ok("config", "set", "script", "sleep 60");
    s.ok("config", "set", "timeout", "5s");
    const started = Date.now();
    const r = s.pulumi("up", "--yes", "--skip-preview");
    const seconds = (Date.now() - started) / 1000;
    assert.notEqual(r.status, 0);
    assert.match(r.out, /\[TIMEOUT\] PodCommand create exceeded its customTimeouts \(5s\)/);
    assert.ok(seconds < 40, `failed within the timeout plus the CLI's own start-up (took ${seconds}s)`);
    // The guest-side kill (timeout -k) ends the process; wait for the guest to say so, bounded.
    let ps = guestProcesses(container);
    for (let i = 0; /sleep 60/.test(ps) && i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      ps = guestProcesses(container);
    }
    assert.doesNotMatch(ps, /sleep 60/, "nothing left running in the guest");
    s.ok("config", "rm", "timeout");
  });

  it("streams a command's lines to the engine while it runs, and never secret output", () => {
    const dir = mkdtempSync(join(tmpdir(), "pod-events-"));
    s.ok("config", "set", "script", "echo line-one; sleep 4; echo line-two");
    s.ok("up", "--yes", "--skip-preview", "--event-log", join(dir, "plain.jsonl"));
    const events = readEvents(join(dir, "plain.jsonl"));
    const lineEvent = commandLines(events).find((e) => e.diagnosticEvent?.message.includes("line-one"));
    const line = lineEvent ? events.indexOf(lineEvent) : -1;
    const done = events.findIndex((e) => e.resOutputsEvent?.metadata.type === "pod:index:PodCommand");
    assert.ok(line >= 0, "line-one is in the event stream");
    assert.ok(done > line, "the line came before the command's outputs");
    const gap = (events[done]?.timestamp ?? 0) - (events[line]?.timestamp ?? 0);
    assert.ok(gap >= 3, `line-one arrived while the command still ran (${gap}s before it ended)`);

    // The output differs from the command's text (which is an input, shown in events like any input).
    const marker = `secret-out-42-${process.pid}`;
    s.ok("config", "set", "script", `echo secret-out-$((40+2))-${process.pid}`);
    s.ok("config", "set", "secretOutputs", "true");
    s.ok("up", "--yes", "--skip-preview", "--event-log", join(dir, "secret.jsonl"));
    const secret = readEvents(join(dir, "secret.jsonl"));
    assert.ok(
      secret.some((e) => e.resOutputsEvent?.metadata.type === "pod:index:PodCommand"),
      "the command ran",
    );
    const leaked = commandLines(secret).filter((e) => e.diagnosticEvent?.message.includes(marker));
    assert.deepEqual(leaked, [], "the plugin never logs secret output");
    s.ok("config", "rm", "secretOutputs");
  });

  it("logging: none keeps a plain command's lines out of the engine log", () => {
    const dir = mkdtempSync(join(tmpdir(), "pod-events-"));
    const marker = `quiet-42-${process.pid}`;
    s.ok("config", "set", "logging", "none");
    s.ok("config", "set", "script", `echo quiet-$((40+2))-${process.pid}`);
    s.ok("up", "--yes", "--skip-preview", "--event-log", join(dir, "quiet.jsonl"));
    const events = readEvents(join(dir, "quiet.jsonl"));
    assert.ok(
      events.some((e) => e.resOutputsEvent?.metadata.type === "pod:index:PodCommand"),
      "the command ran",
    );
    assert.equal(commandLines(events).filter((e) => e.diagnosticEvent?.message.includes(marker)).length, 0);
    assert.match(s.ok("stack", "output", "--json"), new RegExp(marker), "the output itself is kept");
  });
});
