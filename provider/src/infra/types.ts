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

export interface DiskRequest {
  sizeGb: number;
  provisioning?: "thin" | "thick" | "eagerZeroedThick";
  /** Datastore for a disk pod adds; the VM's by default. */
  datastore?: string;
}

export interface VmDiskState {
  sizeGb: number;
  provisioning: "thin" | "thick" | "eagerZeroedThick";
  datastore: string;
  fileName: string;
  /** The parent disk's file, for a linked clone's child disk. */
  parentFileName?: string;
}

/** Guest customization applied by vSphere at the clone's first boot (Linux guests). */
export interface GuestCustomization {
  hostname: string;
  domain?: string;
  timeZone?: string;
  /** A static IPv4 address on the first NIC; DHCP when unset. */
  network?: { ipAddress: string; prefixLength: number; gateway?: string; dnsServers?: string[] };
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
  /** The whole disk list in the VM's disk order; undefined = disks are not managed. */
  disks?: DiskRequest[];
  /** Clone from a snapshot of the template with child disks (a linked clone). */
  linkedClone?: boolean;
  /** The snapshot a linked clone grows from; the template's current one by default. */
  snapshot?: string;
  customization?: GuestCustomization;
  /** vSphere tags (category/name) attached to the VM; only these are managed. */
  tags?: { category: string; name: string }[];
  /** Create missing tag categories and tags instead of failing. */
  createTags?: boolean;
  /** Custom attributes set on the VM; missing definitions are created for VMs. */
  customAttributes?: Record<string, string>;
  power: DesiredPower;
  extraConfig?: Record<string, string>;
  /** 0 = do not wait for an IP address. */
  waitForIpTimeoutMs: number;
  /** Wait for an address in the default gateway's subnet, not just any address. */
  waitForGuestNetRoutable?: boolean;
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
  disks: VmDiskState[];
  /** The VM's custom attributes by name. */
  customAttributes: Record<string, string>;
  /** The VM's tags as "category/name", read when tags are managed. */
  tags?: string[];
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
