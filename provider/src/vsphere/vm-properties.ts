/**
 * The VM properties pod reads, in one place with no imports: vm-info.ts reads
 * them and scripts/gen-vim25 generates every type they reach.
 */
export const VM_PROPERTIES = [
  "name",
  "config.instanceUuid",
  "config.uuid",
  "config.template",
  "config.guestId",
  "config.hardware.numCPU",
  "config.hardware.memoryMB",
  "config.hardware.device",
  "config.extraConfig",
  "runtime.powerState",
  "guest.toolsRunningStatus",
  "guest.guestFamily",
  "guest.guestId",
  "guest.guestFullName",
  "guest.hostName",
  "guest.ipAddress",
  "guest.net",
  "network",
];
