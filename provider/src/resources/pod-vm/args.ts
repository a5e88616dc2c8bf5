import { z } from "zod";
import { dialSettingsShape } from "../../execution/dial-settings";
import { type DetectedOs, detectedOsSchema } from "../shared/detected-os";
import { vsphereConnectionSchema } from "../shared/vsphere-connection";

export type { DetectedOs };

/** vSphere allows more, but a name that is safe everywhere it travels (paths, container names, shells) saves grief. */
const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export const nicSchema = z
  .object({
    network: z.string().min(1).optional().describe("Port group (standard or distributed) to put the NIC on."),
    vlanId: z
      .number()
      .int()
      .min(0, "VLAN id must be 0–4094 (4095 = trunk)")
      .max(4095, "VLAN id must be 0–4094 (4095 = trunk)")
      .optional()
      .describe("Put the NIC on the one port group that carries this VLAN."),
    adapterType: z.enum(["vmxnet3", "e1000", "e1000e"]).optional().describe("Adapter type for new NICs."),
  })
  .refine((n) => (n.network === undefined) !== (n.vlanId === undefined), {
    message: "give exactly one of network or vlanId",
  })
  .describe("One virtual NIC: on a port group by name (network) or by the VLAN it carries (vlanId).");

export const diskSchema = z
  .object({
    sizeGb: z
      .number()
      .int()
      .min(1)
      .max(62 * 1024)
      .describe("Size in GiB; grows in place, never shrinks."),
    provisioning: z
      .enum(["thin", "thick", "eagerZeroedThick"])
      .optional()
      .describe('For disks pod adds: "thin" (default), "thick" (lazy zeroed) or "eagerZeroedThick".'),
    datastore: z.string().min(1).optional().describe("Datastore for a disk pod adds; the VM's by default."),
  })
  .describe("One virtual disk, in the VM's disk order.");

export const guestAccessSchema = z
  .object({
    user: z
      .string()
      .min(1)
      .optional()
      .describe("Guest user for OS detection; else stack config pod:guestUser, else POD_GUEST_USER."),
    password: z.string().meta({ secret: true }).optional().describe("Guest password (stored encrypted)."),
    privateKey: z.string().meta({ secret: true }).optional().describe("PEM/OpenSSH private key (stored encrypted)."),
    transport: z.enum(["ssh", "winrm", "docker", "guestops"]).optional().describe("Preferred transport."),
    port: z.number().int().min(1).max(65535).optional().describe("Port of the transport (22, 5986, …)."),
    https: z
      .boolean()
      .optional()
      .describe("WinRM: true (default) = HTTPS with channel binding; false = the explicit choice of plain HTTP."),
    hostKey: z.string().optional().describe('Pinned SSH host key fingerprint ("SHA256:…").'),
    ...dialSettingsShape,
  })
  .describe("How to reach the guest; when set, the OS is probed in the guest during `pulumi up`.");

export const podVmInputsSchema = z.object({
  connection: vsphereConnectionSchema.optional(),
  datacenter: z.string().min(1).optional().describe("Datacenter; optional when vSphere has only one."),
  template: z.string().min(1).describe("Template or VM to clone, by name or inventory path."),
  name: z
    .string()
    .regex(VM_NAME, "use 1–80 letters, digits, '.', '_' or '-', starting with a letter or digit")
    .describe("VM name; changing it replaces the VM."),
  folder: z.string().min(1).optional().describe("VM folder (name or path); the datacenter's VM folder by default."),
  cluster: z
    .string()
    .min(1)
    .optional()
    .describe("Cluster whose resource pool receives the VM; the first one by default."),
  host: z.string().min(1).optional().describe("Host to run the VM on."),
  resourcePool: z.string().min(1).optional().describe("Resource pool, by name or path."),
  datastore: z.string().min(1).optional().describe("Datastore for the VM's files; the template's by default."),
  numCpus: z.number().int().min(1).max(768).optional().describe("Virtual CPUs; changed in place."),
  memoryMb: z
    .number()
    .int()
    .min(4)
    .max(24 * 1024 * 1024)
    .refine((m) => m % 4 === 0, "memoryMb must be a multiple of 4")
    .optional()
    .describe("Memory in MiB; changed in place."),
  nics: z.array(nicSchema).max(10).optional().describe("NICs in order; changed in place, never by replacement."),
  disks: z
    .array(diskSchema)
    .min(1)
    .max(60)
    .optional()
    .describe(
      "Every disk in order, the template's first: grown, added or removed in place (files of removed disks are deleted); unset = not managed.",
    ),
  linkedClone: z
    .boolean()
    .optional()
    .describe(
      "Clone with child disks on a snapshot of the template (fast, shares its disks); changing it replaces the VM.",
    ),
  snapshot: z
    .string()
    .min(1)
    .optional()
    .describe("Snapshot of the template a linked clone grows from; the template's current snapshot by default."),
  customization: z
    .object({
      hostname: z.string().min(1).max(63).describe("Guest hostname (one label; the domain goes in domain)."),
      domain: z.string().min(1).optional().describe('DNS domain; "local" by default.'),
      timeZone: z.string().min(1).optional().describe('tz database name, e.g. "Europe/Berlin".'),
      network: z
        .object({
          ipAddress: z.string().describe("Static IPv4 address of the first NIC."),
          prefixLength: z.number().int().min(1).max(32).describe("Prefix length of the address (24 for /24)."),
          gateway: z.string().optional().describe("Default gateway; none when unset."),
          dnsServers: z.array(z.string()).max(3).optional().describe("Up to three DNS servers."),
        })
        .optional()
        .describe("Static IPv4 on the first NIC; every NIC uses DHCP when unset."),
    })
    .optional()
    .describe(
      "vSphere guest customization at clone time (Linux guests with VMware Tools); changing it replaces the VM. See docs/pod-vm.md for when to use PodNetwork instead.",
    ),
  tags: z
    .array(
      z
        .object({
          category: z.string().min(1).describe("Tag category name."),
          name: z.string().min(1).describe("Tag name within the category."),
        })
        .describe("One vSphere tag, by category and name."),
    )
    .max(50)
    .optional()
    .describe(
      'vSphere tags (vAPI) attached to the VM, e.g. { category: "owner", name: "alice" }; only these are managed.',
    ),
  createTags: z
    .boolean()
    .optional()
    .describe(
      "Create missing tag categories (for VMs, many tags per VM) and tags; by default a missing one is an error.",
    ),
  customAttributes: z
    .record(z.string().min(1), z.string())
    .optional()
    .describe("Custom attributes set on the VM (definitions are created for VMs when missing); changed in place."),
  powerState: z.enum(["on", "off"]).optional().describe('Desired power state; "on" by default.'),
  extraConfig: z
    .record(z.string().regex(/^[A-Za-z0-9._-]+$/, "extraConfig keys use letters, digits, '.', '_', '-'"), z.string())
    .optional()
    .describe("Advanced settings (the lab uses RUN.container); only keys given here are managed."),
  guest: guestAccessSchema.optional(),
  waitForIpTimeoutSeconds: z
    .number()
    .min(0)
    .max(3600)
    .optional()
    .describe(
      "How long to wait for the guest's IPv4 address (@pulumi/vsphere's waitForGuestNetTimeout); 0 = don't wait; 120 by default.",
    ),
  waitForGuestNetRoutable: z
    .boolean()
    .optional()
    .describe(
      "Wait for an address in the subnet of the guest's default gateway, and make it ipAddress; false by default.",
    ),
  shutdownTimeoutSeconds: z.number().min(0).max(3600).optional().describe("Graceful shutdown wait; 30 by default."),
  taskTimeoutSeconds: z
    .number()
    .min(1)
    .max(24 * 3600)
    .optional()
    .describe("Per vSphere task; 600 by default."),
});

export type PodVmInputs = z.infer<typeof podVmInputsSchema>;

/** Outputs whose values derive from secrets; the resource marks them secret. */
/** extraConfig typically carries cloud-init userdata with passwords: encrypted, as is what vSphere reports back. */
export const POD_VM_SECRET_OUTPUTS = ["connection", "guest", "extraConfig", "observedExtraConfig"] as const;

/** What state holds: the inputs and what vSphere and the guest report. */
export const podVmOutputsSchema = podVmInputsSchema.extend({
  moid: z.string().describe("vSphere managed object id (vm-123); also the resource id."),
  instanceUuid: z.string().describe("vSphere instance UUID."),
  observedPowerState: z.string().describe("poweredOn, poweredOff or suspended, as vSphere last reported."),
  observedNumCpus: z.number().int().describe("Virtual CPUs, as vSphere last reported."),
  observedMemoryMb: z.number().int().describe("Memory in MiB, as vSphere last reported."),
  observedNics: z
    .array(
      z
        .object({
          mac: z.string().describe("The NIC's MAC address."),
          network: z.string().describe("The port group the NIC is on."),
          connected: z.boolean().describe("Whether the NIC is connected."),
        })
        .describe("One NIC as vSphere reports it."),
    )
    .describe("Each NIC's MAC address and port group, as vSphere last reported."),
  observedExtraConfig: z
    .record(z.string(), z.string())
    .describe("The managed extraConfig keys as vSphere reports them."),
  observedDisks: z
    .array(
      z
        .object({
          sizeGb: z.number().describe("Size in GiB."),
          provisioning: z.string().describe('"thin", "thick" or "eagerZeroedThick".'),
          datastore: z.string().describe("Datastore holding the disk's file."),
          fileName: z.string().describe("The disk's file, as a datastore path."),
          parentFileName: z.string().optional().describe("A linked clone's parent disk file."),
        })
        .describe("One disk as vSphere last reported it."),
    )
    .describe(
      "Each disk's size, provisioning, datastore and file (and a linked clone's parent file), as vSphere last reported.",
    ),
  observedTags: z
    .array(z.string())
    .describe('The VM\'s tags as "category/name", as vSphere last reported (when tags are managed).'),
  observedCustomAttributes: z
    .record(z.string(), z.string())
    .describe("The managed custom attributes as vSphere reports them."),
  ipAddress: z.string().describe("The primary IPv4 address VMware Tools reports."),
  ipAddresses: z.array(z.string()).describe("Every IPv4 address VMware Tools reports."),
  macAddresses: z.array(z.string()).describe("MAC address per NIC, in NIC order."),
  os: detectedOsSchema,
  sshHostKeys: z
    .array(z.string())
    .describe("SSH host key fingerprints read through VMware Tools at create; pin them in PodCommand targets."),
});

export type PodVmOutputs = z.infer<typeof podVmOutputsSchema>;
