/**
 * What pod needs from an infrastructure provider. vSphere implements it
 * (vsphere/vsphere-infra.ts); another (EC2, Azure, …) can be added without
 * touching the Pulumi resources, which only see this interface.
 */
export type DesiredPower = "on" | "off";

export interface NicRequest {
  /** Port group (standard or distributed) by name … */
  network?: string;
  /** … or the one port group that carries this VLAN. */
  vlanId?: number;
  adapterType?: "vmxnet3" | "e1000" | "e1000e";
}

export interface VmSpec {
  name: string;
  datacenter?: string;
  /** Clone from this template or VM; without it the VM is created from guestId. */
  template?: string;
  guestId?: string;
  folder?: string;
  cluster?: string;
  host?: string;
  resourcePool?: string;
  datastore?: string;
  numCpus?: number;
  memoryMb?: number;
  nics?: NicRequest[];
  power: DesiredPower;
  extraConfig?: Record<string, string>;
  /** 0 = do not wait for an IP address. */
  waitForIpTimeoutMs: number;
  shutdownTimeoutMs: number;
  taskTimeoutMs: number;
  /** Who creates it (the Pulumi resource's URN): recorded on the VM, and another stack's VM is never taken over. */
  owner?: string;
}

export interface VmNicState {
  key: number;
  mac: string;
  network: string;
  vlanId?: number;
  connected: boolean;
}

export interface VmState {
  /** Provider-specific stable id (vSphere: the managed object id). */
  id: string;
  name: string;
  instanceUuid: string;
  powerState: "poweredOn" | "poweredOff" | "suspended";
  numCpus: number;
  memoryMb: number;
  nics: VmNicState[];
  ipAddresses: string[];
  primaryIp?: string;
  extraConfig: Record<string, string>;
  guestInfo: { toolsRunning: boolean; family?: string; guestId?: string; fullName?: string; hostName?: string };
}

export interface InfraProvider {
  /** Transactional: on failure nothing is left behind (a half-made VM is destroyed). */
  createVm(spec: VmSpec): Promise<VmState>;
  /** undefined when the VM no longer exists. */
  getVm(id: string): Promise<VmState | undefined>;
  updateVm(id: string, spec: VmSpec, previous?: VmSpec): Promise<VmState>;
  /** Graceful shutdown, bounded wait, power-off, destroy; already gone = deleted. */
  deleteVm(id: string, options: { shutdownTimeoutMs: number; owner?: string | undefined }): Promise<void>;
  close(): Promise<void>;
}
