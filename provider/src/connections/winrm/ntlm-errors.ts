import { PodError } from "../../common/errors";
import type { RawReply } from "./http-exchange";
import type { NtlmDowngradeError } from "./ntlm/client";

/**
 * The refusals that protect an NTLM session from a man in the middle, as
 * PodErrors with their fix. Each means "something may be tampering with the
 * traffic": nothing from the refused message is used.
 */
const USE_HTTPS = "use https (port 5986, the default) and check the network path to the guest";

export function downgradeError(target: string, error: NtlmDowngradeError): PodError {
  return new PodError(
    "NTLM_DOWNGRADE",
    `The NTLM challenge from ${target} offers too little protection (${error.missing.join(", ")}); pod sent nothing further.`,
    {
      fix: `Windows always offers 128-bit sealing with key exchange and a timestamp: something between pod and the guest is stripping them, or the peer is not Windows. ${capitalize(USE_HTTPS)}.`,
      details: { missing: error.missing },
      cause: error,
    },
  );
}

export function unsealedReplyError(target: string, reply: RawReply): PodError {
  return new PodError(
    "UNSEALED_REPLY",
    `The WinRM service at ${target} answered an encrypted request with an unencrypted reply (HTTP ${reply.status}, ${reply.body.length} bytes); it was not read.`,
    {
      fix: `Something between pod and the guest is tampering with WinRM traffic, or the service is misconfigured: ${USE_HTTPS}.`,
      details: { status: reply.status, contentType: reply.contentType },
    },
  );
}

export function integrityError(target: string, error: Error): PodError {
  return new PodError(
    "INTEGRITY_FAILED",
    `The encrypted WinRM reply from ${target} failed its integrity check: ${error.message}.`,
    {
      fix: `The reply was altered on the way or the session keys differ; nothing from it was used. Retry; if it persists, ${USE_HTTPS}.`,
      cause: error,
    },
  );
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A 401 on an established sealed session for a request that must not run twice (Command, Send): not resent. */
export function replayRefusedError(target: string, operation: string): PodError {
  return new PodError(
    "CONNECTION_LOST",
    `The WinRM service at ${target} answered ${operation} with HTTP 401 in the middle of an authenticated session: the command may or may not have run, and pod did not send it again.`,
    {
      fix: `Run it again only if it is safe to repeat. Over plain HTTP anyone in the network path can forward a request to the guest and answer pod with 401 to make it run twice; https (port 5986, the default) prevents anyone in the path from answering for the service.`,
      details: { status: 401, operation },
    },
  );
}
