import assert from "node:assert/strict";
import { FakeSoap, fakeSession, XSI } from "../../../test/support/fake-soap";
import { isPodError } from "../common/errors";
import { waitForTask } from "./property";

const TASK = { type: "Task", value: "task-7" };

/** One update of the task's info in a given state (and, for error, a fault). */
const taskInfo = (state: string, fault = "") =>
  `<returnval ${XSI}><version>1</version><filterSet><filter type="PropertyFilter">f</filter><objectSet><kind>modify</kind>` +
  `<obj type="Task">task-7</obj><changeSet><name>info</name><op>assign</op><val xsi:type="TaskInfo">` +
  `<key>task-7</key><task type="Task">task-7</task><descriptionId>VirtualMachine.clone</descriptionId><state>${state}</state>` +
  `<cancelled>${fault ? "true" : "false"}</cancelled><cancelable>true</cancelable>` +
  (fault
    ? `<error><fault xsi:type="${fault}"></fault><localizedMessage>The task was canceled by a user</localizedMessage></error>`
    : "") +
  `</val></changeSet></objectSet></filterSet></returnval>`;

describe("vsphere/property: a fired signal cancels the task being waited for", () => {
  it("calls CancelTask and fails with CANCELLED once vSphere says the task was cancelled", async () => {
    let cancelled = false;
    const fake = new FakeSoap({
      handlers: {
        CancelTask: () => {
          cancelled = true;
          return undefined;
        },
        // Still running until CancelTask arrives; then vSphere reports it cancelled.
        WaitForUpdatesEx: () => (cancelled ? taskInfo("error", "RequestCanceled") : taskInfo("running")),
      },
    });
    const s = await fakeSession(fake);
    const controller = new AbortController();
    const wait = waitForTask(s, TASK, { what: "clone of t to web", signal: controller.signal });
    controller.abort();
    await assert.rejects(wait, (e) => isPodError(e, "CANCELLED") && /clone of t to web was cancelled/.test(e.message));
    assert.equal(fake.sent.filter((r) => r.method === "CancelTask").length, 1);
    await s.close();
  });

  it("returns the result of a task that finished before the cancel took effect (the caller undoes it)", async () => {
    const fake = new FakeSoap({ handlers: { CancelTask: () => undefined } });
    const s = await fakeSession(fake);
    const controller = new AbortController();
    controller.abort();
    await waitForTask(s, TASK, { signal: controller.signal });
    assert.ok(
      fake.sent.some((r) => r.method === "CancelTask"),
      "the task was asked to stop",
    );
    await s.close();
  });
});
