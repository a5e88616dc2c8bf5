import { type ErrorCode, PodError } from "../../common/errors";
import { decodeNode } from "./decode";
import type { VimFaultName } from "./generated/faults";
import { ancestry, isSubtype } from "./schema";
import { child, type XmlNode } from "./xml";

/** vSphere fault type → pod error code and the fix to suggest; a subtype takes its nearest listed ancestor's. */
const FAULTS: Partial<Record<VimFaultName, { code: ErrorCode; fix?: string }>> = {
  InvalidLogin: { code: "INVALID_LOGIN", fix: "Check the vSphere user name and password." },
  NotAuthenticated: { code: "NOT_AUTHENTICATED", fix: "Log in again; the session expired or was ended." },
  ManagedObjectNotFound: { code: "NOT_FOUND", fix: "The object was deleted or never existed; refresh state." },
  DuplicateName: { code: "DUPLICATE_NAME", fix: "Choose another name or remove the existing object." },
  AlreadyExists: { code: "DUPLICATE_NAME", fix: "Choose another name or remove the existing object." },
  InvalidPowerState: { code: "INVALID_STATE", fix: "Change the VM's power state first." },
  InvalidState: { code: "INVALID_STATE" },
  TaskInProgress: { code: "INVALID_STATE", fix: "Wait for the running task on this object to finish." },
  ResourceInUse: { code: "IN_USE", fix: "Detach what still uses it first." },
  NotSupported: { code: "UNSUPPORTED" },
  NotImplemented: { code: "UNSUPPORTED" },
  MethodNotFound: { code: "UNSUPPORTED", fix: "This vSphere server does not implement the call." },
  InvalidGuestLogin: { code: "AUTH_FAILED", fix: "Check the guest user name and password." },
  GuestOperationsUnavailable: { code: "UNREACHABLE", fix: "Make sure VMware Tools runs in the guest." },
  ToolsUnavailable: { code: "UNREACHABLE", fix: "Make sure VMware Tools runs in the guest." },
  InvalidArgument: { code: "INVALID_INPUT" },
  InvalidRequest: { code: "INVALID_INPUT" },
  InvalidName: { code: "INVALID_INPUT" },
  FileNotFound: { code: "NOT_FOUND" },
  NoPermission: { code: "AUTH_FAILED", fix: "Grant the vSphere user the privilege named in the details." },
};

/** The vSphere fault type of a <detail> entry: its xsi:type, else the element name less "Fault". */
export function faultType(detail: XmlNode | undefined): string | undefined {
  const entry = detail?.children[0];
  if (!entry) return undefined;
  return entry.xsiType?.name ?? entry.name.replace(/Fault$/, "");
}

/** Builds the PodError for a SOAP <Fault> element. */
export function soapFaultError(fault: XmlNode, method: string): PodError {
  const message = child(fault, "faultstring")?.text.trim() || "vSphere returned a fault";
  const detail = child(fault, "detail");
  const type = faultType(detail) ?? "Unknown";
  const entry = detail?.children[0];
  return vimFaultError(type, message, method, entry ? decodeNode(entry, type) : undefined);
}

/** Builds the PodError for a vSphere fault, from SOAP or from a failed task's info.error. */
export function vimFaultError(type: string, message: string, method: string, fault?: unknown): PodError {
  const listed = ancestry(type).find((t): t is VimFaultName => t in FAULTS);
  const known = (listed && FAULTS[listed]) || { code: "VSPHERE_FAULT" as const };
  return new PodError(known.code, `${method}: ${message} (vSphere fault ${type})`, {
    ...(known.fix ? { fix: known.fix } : {}),
    details: { fault: type, method, ...(fault && typeof fault === "object" ? { faultData: fault } : {}) },
  });
}

/**
 * For code that must tell faults apart beyond the pod code (govmomi's
 * IsVimFault): true when the error is a vSphere fault of `type` or of one of
 * its subtypes (isVimFault(e, "InvalidState") matches InvalidPowerState).
 */
export function isVimFault(error: unknown, type: VimFaultName): boolean {
  const fault = error instanceof PodError ? error.details.fault : undefined;
  return typeof fault === "string" && isSubtype(fault, type);
}
