import { existsSync } from "node:fs";
import * as path from "node:path";
import { PodError } from "../../../common/errors";

/**
 * The small N-API addon in provider/native/gss-iov (MIT krb5's GSS-API):
 * one security context and Windows' per-message wrap/unwrap (gss_wrap_iov /
 * gss_unwrap_iov, header apart from the in-place ciphertext). It exists
 * because the `kerberos` npm package cannot encrypt WinRM messages (see
 * docs/credentials.md, "Kerberos"). Loaded on first use only, so pod works
 * without it for every other transport and auth.
 */
export interface GssContext {
  readonly __gss: unique symbol;
}

export interface GssStep {
  /** The token to send to the peer, if any. */
  token?: Buffer | null;
  complete: boolean;
  /** Whether the context can encrypt (GSS_C_CONF_FLAG). */
  confidentiality: boolean;
  /** Acceptor only: the authenticated client principal. */
  user?: string;
  /** Acceptor: the initiator sent channel bindings and they match this context's (GSS_C_CHANNEL_BOUND_FLAG). */
  channelBound?: boolean;
}

export interface GssIov {
  /**
   * An initiator for a host-based service ("HTTP@host"), or with no service an acceptor (keytab:
   * KRB5_KTNAME); channelBindings is the bindings' application data both sides pass (RFC 5929 over TLS).
   */
  create(service?: string, channelBindings?: Buffer): GssContext;
  step(context: GssContext, token: Buffer | null): GssStep;
  wrap(context: GssContext, plaintext: Buffer): { header: Buffer; data: Buffer };
  unwrap(context: GssContext, header: Buffer, data: Buffer): Buffer;
}

/** Where `make deps` builds it: provider/native/gss-iov/build/Release, four folders above this file in src/ and dist/. */
export const GSS_IOV_MODULE = path.resolve(__dirname, "../../../../native/gss-iov/build/Release/gss_iov.node");

/** The provider plugin is one bundled file; scripts/build-plugin.sh ships the addon beside it. */
export const BUNDLED_GSS_IOV_MODULE = path.join(__dirname, "gss_iov.node");

const loaded = new Map<string, GssIov>();

/** POD_GSS_IOV_MODULE, else the build in the package, else the copy beside the plugin's bundle. */
function defaultModule(): string {
  if (process.env.POD_GSS_IOV_MODULE) return process.env.POD_GSS_IOV_MODULE;
  return !existsSync(GSS_IOV_MODULE) && existsSync(BUNDLED_GSS_IOV_MODULE) ? BUNDLED_GSS_IOV_MODULE : GSS_IOV_MODULE;
}

export function loadGssIov(file = defaultModule()): GssIov {
  const cached = loaded.get(file);
  if (cached) return cached;
  if (!existsSync(file)) {
    throw new PodError("UNSUPPORTED", `Kerberos for WinRM needs pod's GSS-API addon, which is not built (${file}).`, {
      fix: `Install MIT Kerberos' headers (Debian: apt-get install libkrb5-dev) and build it: \`npx node-gyp rebuild\` in ${path.resolve(path.dirname(file), "../..")} (in pod's repository make deps does this), or use auth: ntlm.`,
    });
  }
  const module = require(file) as GssIov;
  loaded.set(file, module);
  return module;
}
