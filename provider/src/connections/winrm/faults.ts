import { type ErrorCode, PodError } from "../../common/errors";
import { WSMAN_FAULT } from "./namespaces";
import type { WsmanFault } from "./response";

/**
 * WS-Man faults → PodError. `details.wsmanCode` stays available so callers
 * can react to the normal ones (OperationTimeout on Receive: receive again;
 * shell not found: create a new shell).
 */
const KNOWN: Record<string, { code: ErrorCode; fix?: string; transient?: boolean }> = {
  [WSMAN_FAULT.maxShells]: {
    code: "PROTOCOL_ERROR",
    fix: "Too many open shells for this user (MaxShellsPerUser): close leaked WinRM sessions, or raise winrm/config/winrs MaxShellsPerUser.",
    transient: true,
  },
  [WSMAN_FAULT.shellNotFound]: {
    code: "CONNECTION_LOST",
    fix: "The remote shell is gone (idle timeout or WinRM restart); a new shell is opened on the next command.",
    transient: true,
  },
  [WSMAN_FAULT.envelopeTooLarge]: {
    code: "PROTOCOL_ERROR",
    fix: "The request exceeds the service's MaxEnvelopeSizekb: send less data per request.",
  },
  "5": {
    code: "AUTH_FAILED",
    fix: "The account must be a local Administrator (or in Remote Management Users) on the guest.",
  },
};

export function isWsmanFault(error: unknown, wsmanCode: string): boolean {
  return error instanceof PodError && error.details.wsmanCode === wsmanCode;
}

export function faultError(fault: WsmanFault, operation: string, target: string, status: number): PodError {
  const known =
    (fault.wsmanCode && KNOWN[fault.wsmanCode]) || (/AccessDenied/.test(fault.subcode) ? KNOWN["5"] : undefined);
  const reason = (fault.reason || fault.message || "no reason given").replace(/\s+/g, " ").trim();
  const code = fault.wsmanCode ? `WSManFault ${fault.wsmanCode}` : fault.subcode || fault.code;
  return new PodError(known?.code ?? "PROTOCOL_ERROR", `WinRM ${operation} on ${target} failed: ${reason} (${code}).`, {
    ...(known?.fix ? { fix: known.fix } : {}),
    details: { status, operation, ...fault },
    transient: known?.transient ?? false,
  });
}

export function httpError(status: number, body: string, operation: string, target: string): PodError {
  if (status === 500 && body.trim() === "") {
    return new PodError("PROTOCOL_ERROR", `WinRM ${operation} on ${target} failed: HTTP 500 with an empty body.`, {
      fix: "The service refused an unencrypted message (AllowUnencrypted=false): use auth ntlm over http, or https.",
      details: { status, operation },
    });
  }
  if (status === 413) {
    return new PodError(
      "PROTOCOL_ERROR",
      `WinRM ${operation} on ${target} failed: the request is too large (HTTP 413).`,
      {
        fix: "Raise winrm/config MaxEnvelopeSizekb on the guest, or send less per request.",
        details: { status, operation },
      },
    );
  }
  return new PodError(
    "PROTOCOL_ERROR",
    `WinRM ${operation} on ${target} answered HTTP ${status}: ${body.slice(0, 200)}`,
    {
      details: { status, operation },
      transient: status === 503,
    },
  );
}
