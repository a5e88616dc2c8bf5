/**
 * NetworkConfigError: a PodError whose code is one of the network codes, the
 * same on every OS; the OS's own output (stderr, the failing step) goes in
 * `details`, never in the code.
 */
import { PodError, type PodErrorOptions } from "../common/errors";

export const NETWORK_ERROR_CODES = [
  "INVALID_INPUT",
  "INVALID_ADDRESS",
  "GATEWAY_OUTSIDE_SUBNET",
  "INVALID_VLAN",
  "INTERFACE_NOT_FOUND",
  "VLAN_UNSUPPORTED",
  "ADDRESS_IN_USE",
  "MANAGEMENT_INTERFACE",
  "APPLY_FAILED",
  "VERIFY_FAILED",
] as const;

export type NetworkErrorCode = (typeof NETWORK_ERROR_CODES)[number];

export class NetworkConfigError extends PodError {
  declare readonly code: NetworkErrorCode;

  constructor(code: NetworkErrorCode, message: string, options: PodErrorOptions = {}) {
    super(code, message, options);
    this.name = "NetworkConfigError";
  }
}

export const isNetworkConfigError = (error: unknown, code?: NetworkErrorCode): error is NetworkConfigError =>
  error instanceof NetworkConfigError && (code === undefined || error.code === code);
