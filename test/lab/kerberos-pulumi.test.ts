import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KerberosGuest, startKerberosGuest } from "../support/kerberos-guest";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack, rawState } from "../support/plugin-stack";
import { needEnv } from "../support/windows-lab-env";

/**
 * Issue 17: Kerberos through `pulumi up`. One program (examples/ts-plugin-scenarios, scenario
 * "kerberos") declares a PodCommand through the dynamic provider and one through the plugin, both
 * to a Windows guest of this test's own holding HTTP/<host>'s keytab, over plain HTTP with every
 * message encrypted by the Kerberos session. The password is `--secret pod:guestPassword`: each
 * provider kinits into a cache of its own. The guest's log shows, from its side, two
 * Kerberos logins with confidentiality and encrypted sessions; neither the stack's state nor the
 * engine's event log holds the password.
 */
describe("lab: Kerberos WinRM through a Pulumi PodCommand (dynamic and plugin)", function () {
  this.timeout(900_000);
  const lab = requireLab();
  const id = randomBytes(4).toString("hex");
  const marker = `krb-up-${id}`;
  let guest: KerberosGuest;
  let s: PluginStack;
  let password: string;
  let events: string;
  const outputs: string[] = [];

  before(async () => {
    password = needEnv("POD_KDC_USER_PASSWORD");
    guest = await startKerberosGuest();
    events = mkdtempSync(join(tmpdir(), "pod-krb-events-"));
    s = pluginStack("ts-plugin-scenarios", `krb${id}`, lab);
    for (const [key, value] of Object.entries({
      scenario: "kerberos",
      host: guest.host,
      port: String(guest.port),
      user: "pod-user",
      realm: needEnv("POD_KDC_REALM"),
      kdc: needEnv("POD_KDC_ADDR"),
      spnHost: guest.spnHost,
      marker,
    })) {
      s.ok("config", "set", key, value);
    }
    s.ok("config", "set", "--secret", "pod:guestPassword", password);
  });

  after(async () => {
    s?.remove();
    await guest?.stop();
    if (events) rmSync(events, { recursive: true, force: true });
  });

  it("pulumi up runs both commands over Kerberos; the guest saw two encrypted Kerberos sessions", async () => {
    const from = guest.lines.length;
    outputs.push(s.ok("up", "--yes", "--skip-preview", "--event-log", join(events, "up.jsonl")));
    const out = JSON.parse(s.ok("stack", "output", "--json").replace(/^[^{]*/, "")) as {
      out: { dynamicStdout: string; pluginStdout: string };
    };
    assert.equal(out.out.dynamicStdout, `dynamic-${marker}`);
    assert.equal(out.out.pluginStdout, `plugin-${marker}`);
    // The CLI ran synchronously: the guest's log lines are read now, until both sessions are there.
    const session = /encrypted Kerberos session \(HTTP-SPNEGO-session-encrypted\) with pod-user/;
    const log = (await guest.waitForLines(session, 2, from)).join("\n");
    const logins = log.match(/Kerberos authenticated pod-user@POD\.LAB from 127\.0\.0\.1 \(confidentiality: yes\)/g);
    assert.equal(logins?.length, 2, `one Kerberos login per provider process:\n${log}`);
    assert.equal(log.match(new RegExp(session.source, "g"))?.length, 2, "no third session");
    assert.doesNotMatch(log, /NTLM authenticated|Basic authentication/, "no other scheme was used");
  });

  it("neither the state nor the engine's event log nor the CLI's output holds the password", () => {
    const state = rawState(s);
    assert.ok(state.includes(marker), "the state holds the commands' outputs");
    const eventLog = readFileSync(join(events, "up.jsonl"), "utf8");
    assert.ok(eventLog.includes(marker), "the event log recorded the run");
    for (const text of [state, eventLog, ...outputs]) {
      assert.ok(!text.includes(password), "the Kerberos password appears in the state, the event log or the output");
    }
  });
});
