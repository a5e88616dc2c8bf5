/**
 * Turns a failed apply step into a NetworkConfigError whose code is the same
 * on every OS; the guest's own words stay in the message and details.
 */
import { NetworkConfigError, type NetworkErrorCode } from "./errors";
import { describeChange, type NetworkChange } from "./plan";

const VLAN_UNSUPPORTED =
  /Unknown device type|Operation not supported|not supported|8021q|does not support|VlanID.*(invalid|not)/i;
const IN_USE = /already exists|already in use|already assigned|duplicate|Windows System Error 5010/i;
const NO_DEVICE =
  /Cannot find device|does not exist|No such device|No MSFT_NetAdapter objects found|No matching MSFT_Net/i;
const NOT_PERMITTED = /Operation not permitted|Permission denied|a password is required|Access is denied/i;

export interface FailedStep {
  change: NetworkChange;
  command: string;
  exitCode: number | null;
  output: string;
}

export function classifyFailure(step: FailedStep): { code: NetworkErrorCode; fix: string } {
  const { change, output } = step;
  if ((change.op === "create-vlan" || change.op === "set-adapter-vlan") && VLAN_UNSUPPORTED.test(output)) {
    return {
      code: "VLAN_UNSUPPORTED",
      fix: "The guest cannot tag VLANs (Linux: no 8021q module in the kernel; Windows: the adapter driver has no VLAN support). Put the NIC on a port group that carries the VLAN instead (portGroup.vlanId) and leave vlanId out of the guest declaration.",
    };
  }
  if (change.op === "add-address" && IN_USE.test(output)) {
    return { code: "ADDRESS_IN_USE", fix: "Pick an address no other interface or host uses." };
  }
  if (NO_DEVICE.test(output) && change.op !== "remove-address" && change.op !== "remove-gateway") {
    return { code: "INTERFACE_NOT_FOUND", fix: "Check the interface name or MAC against the guest's interfaces." };
  }
  if (NOT_PERMITTED.test(output)) {
    return {
      code: "APPLY_FAILED",
      fix: "Network changes need root (or passwordless sudo) on Linux, CAP_NET_ADMIN in a container, Administrator on Windows.",
    };
  }
  return {
    code: "APPLY_FAILED",
    fix: "Read the guest's message above; the guest was put back as it was before the change where pod could.",
  };
}

export function failureError(step: FailedStep, extra: Record<string, unknown> = {}): NetworkConfigError {
  const { code, fix } = classifyFailure(step);
  const firstLine = step.output.split(/\r?\n/).find((l) => l.trim()) ?? "(no output)";
  return new NetworkConfigError(code, `${describeChange(step.change)} failed: ${firstLine.trim()}`, {
    fix,
    details: { change: step.change, command: step.command, exitCode: step.exitCode, output: step.output, ...extra },
  });
}
