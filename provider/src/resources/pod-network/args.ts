import { z } from "zod";
import { guestTargetSchema } from "../../execution/guest-target";
import { interfacesSchema } from "../../network/validate";
import { vsphereConnectionSchema } from "../shared/vsphere-connection";

const MAC = /^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/;

export const portGroupSpecSchema = z
  .object({
    name: z
      .string()
      .regex(/^[^/\\%]{1,80}$/, "use 1–80 characters without '/', '\\' or '%'")
      .describe("Port group name; created when missing (and then removed on delete)."),
    vlanId: z
      .number()
      .int()
      .min(0, "VLAN id must be 0–4094 (4095 = trunk on a standard switch)")
      .max(4095, "VLAN id must be 0–4094 (4095 = trunk on a standard switch)")
      .optional()
      .describe("VLAN the port group carries: 0 untagged, 1–4094 tagged, 4095 trunk (standard switches)."),
    kind: z.enum(["standard", "distributed"]).optional().describe('"standard" (default) or "distributed".'),
    vswitch: z.string().min(1).optional().describe('Standard: the host vSwitch ("vSwitch0" by default).'),
    hosts: z.array(z.string().min(1)).optional().describe("Standard: the hosts to add it to (all by default)."),
    dvSwitch: z.string().min(1).optional().describe("Distributed: the switch (optional when there is one)."),
    trunk: z
      .array(
        z
          .object({
            start: z.number().int().min(0).max(4094).describe("First VLAN id of the range."),
            end: z.number().int().min(0).max(4094).describe("Last VLAN id of the range (inclusive)."),
          })
          .describe("A range of VLAN ids."),
      )
      .optional()
      .describe("Distributed: trunk VLAN ranges (instead of vlanId); guests tag with an in-guest vlanId."),
  })
  .superRefine((p, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if ((p.kind ?? "standard") === "standard") {
      if (p.vlanId === undefined) issue("vlanId", "a standard port group needs vlanId (4095 = trunk)");
      if (p.trunk || p.dvSwitch)
        issue(p.trunk ? "trunk" : "dvSwitch", 'trunk ranges and dvSwitch need kind "distributed"');
    } else {
      if ((p.vlanId === undefined) === (p.trunk === undefined)) issue("vlanId", "give exactly one of vlanId or trunk");
      if (p.vlanId === 4095) issue("vlanId", "a distributed port group trunks with trunk ranges, not 4095");
      if (p.vswitch || p.hosts) issue(p.vswitch ? "vswitch" : "hosts", 'vswitch and hosts are for kind "standard"');
      for (const [i, r] of (p.trunk ?? []).entries()) {
        if (r.start > r.end) ctx.addIssue({ code: "custom", path: ["trunk", i], message: "start must be ≤ end" });
      }
    }
  })
  .describe("The vSphere port group (with its VLAN) the VM's NIC goes on.");

export const podNetworkInputsSchema = z
  .object({
    connection: vsphereConnectionSchema.optional(),
    datacenter: z.string().min(1).optional().describe("Datacenter; optional when vSphere has only one."),
    vm: z
      .string()
      .regex(/^vm-\d+$/, 'a VM managed object id like "vm-123" (a PodVm\'s moid)')
      .optional()
      .describe("The VM whose NIC goes on the port group (a PodVm's moid)."),
    portGroup: portGroupSpecSchema.optional(),
    nic: z
      .union([z.string().regex(MAC, "a MAC address like 00:50:56:8a:10:01"), z.number().int().min(0).max(9)])
      .optional()
      .describe("The VM's NIC to put on the port group: its index (0, 1, …) or MAC. Needs vm and portGroup."),
    target: guestTargetSchema.optional(),
    interfaces: interfacesSchema.optional(),
    allowManagementChange: z
      .boolean()
      .optional()
      .describe(
        "Allow changes to the interface pod's own connection runs through: over SSH they are applied detached and reverted unless pod reconnects on the new address.",
      ),
    confirmTimeoutSeconds: z
      .number()
      .min(10)
      .max(600)
      .optional()
      .describe("Detached apply: how long the guest waits for pod to reconnect before reverting (60 by default)."),
    persist: z.boolean().optional().describe("Linux VMs: also write persistent configuration (true by default)."),
    strictDelete: z
      .boolean()
      .optional()
      .describe(
        "Fail `pulumi destroy` when the guest cannot be reached to restore its settings; by default an unreachable guest (VM off or gone) is left as it is and the vSphere half is still undone.",
      ),
  })
  .superRefine((i, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (!i.portGroup && !i.interfaces) issue("interfaces", "declare a portGroup, guest interfaces, or both");
    if (i.nic !== undefined && (!i.vm || !i.portGroup))
      issue("nic", "a NIC is put on a port group: give vm and portGroup too");
    if (i.interfaces && !i.target) issue("target", "guest interfaces need a target (how to reach the guest)");
  });

export type PodNetworkInputs = z.infer<typeof podNetworkInputsSchema>;

export const appliedInterfaceSchema = z
  .object({
    name: z.string().describe("Interface carrying the settings (Linux VLAN: the sub-interface)."),
    mac: z.string().describe("MAC address of the interface."),
    vlanId: z.number().int().describe("In-guest VLAN id; 0 = none."),
    addresses: z.array(z.string()).describe('IPv4 addresses as "a.b.c.d/prefix".'),
    gateway: z.string().describe("Default gateway through this interface; empty = none."),
    dns: z.array(z.string()).describe("DNS servers in order."),
    mtu: z.number().int().describe("MTU in bytes."),
  })
  .describe("One interface as read back from the guest.");

export const recordedInterfaceSchema = z
  .object({
    name: z.string().describe("Interface name."),
    existed: z.boolean().describe("False when pod created it (a VLAN sub-interface): delete removes it."),
    managed: z
      .array(z.enum(["addresses", "added-addresses", "gateway", "dns", "mtu", "vlan"]))
      .describe("Settings delete restores."),
    mac: z.string().describe("MAC address of the interface."),
    vlanId: z.number().int().describe("In-guest VLAN id; 0 = none."),
    addresses: z.array(z.string()).describe('IPv4 addresses as "a.b.c.d/prefix".'),
    gateway: z.string().describe("Default gateway through this interface; empty = none."),
    dns: z.array(z.string()).describe("DNS servers in order."),
    mtu: z.number().int().describe("MTU in bytes."),
    dhcp: z.boolean().describe("Whether the interface took its address from DHCP."),
    added: z
      .array(z.string())
      .optional()
      .describe("Addresses pod added (keepExistingAddresses); delete removes only these."),
  })
  .describe("An interface as it was before pod first changed it: what delete restores.");

/** Outputs whose values derive from secrets; the resource marks them secret. */
export const POD_NETWORK_SECRET_OUTPUTS = ["connection", "target"] as const;

export const podNetworkOutputsSchema = z.object({
  ...podNetworkInputsSchema.shape,
  portGroupName: z.string().describe("The port group the NIC is on; empty when none is managed."),
  portGroupCreated: z.boolean().describe("pod created the port group (delete removes it)."),
  portGroupHosts: z.array(z.string()).describe("Standard: the hosts pod added the port group to."),
  nicMac: z.string().describe("MAC of the NIC pod put on the port group."),
  nicPreviousNetwork: z.string().describe("The NIC's network before (delete puts it back)."),
  os: z.string().describe('The guest OS type pod configured: "linux", "rocky-container", "windows".'),
  persistence: z
    .string()
    .describe('How the configuration persists: nmcli, netplan, networkd, ifupdown, windows or "none".'),
  runtimeOnly: z.boolean().describe("True when it lasts only until the guest or container restarts (containers)."),
  note: z.string().describe("Why the configuration is (not) persistent."),
  applied: z.array(appliedInterfaceSchema).describe("The configuration as read back from the guest."),
  recorded: z.array(recordedInterfaceSchema).describe("What delete restores."),
  drift: z.array(z.string()).describe("Differences found in the guest by the last refresh; empty = none."),
  reachedAt: z.string().describe("The guest address pod last reached it on when a change moved it; empty otherwise."),
});

export type PodNetworkOutputs = z.infer<typeof podNetworkOutputsSchema>;
