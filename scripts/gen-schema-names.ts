/**
 * Names (and descriptions) for package-schema types that the SDK's
 * TYPE_NAMES (scripts/resources.ts) does not name: the schema's enums, and
 * object types the dynamic SDK keeps under their generated names. Keys are
 * the name the generator would give (parent type + property), as in
 * TYPE_NAMES. A key that matches nothing fails generation (a stale entry).
 */
export interface EnumName {
  name: string;
  description: string;
}

export const SCHEMA_TYPE_NAMES: Record<string, string> = {
  PortGroupSpecTrunk: "VlanRange",
  InterfaceSpecAddresses: "AddressSpec",
};

export const ENUM_NAMES: Record<string, EnumName> = {
  NicAdapterType: { name: "AdapterType", description: "The virtual NIC adapter type." },
  GuestAccessTransport: {
    name: "Transport",
    description: "How pod reaches a guest: SSH, WinRM, Docker exec or VMware Tools guest operations.",
  },
  PodVmPowerState: { name: "PowerState", description: "A VM's desired power state." },
  JumpHostHostKeyPolicy: {
    name: "HostKeyPolicy",
    description:
      "How SSH host keys are checked: strict (pinned keys or known_hosts), accept-new (trust on first use) or insecure.",
  },
  GuestTargetAuth: { name: "WinrmAuth", description: "How pod authenticates to WinRM: NTLM or Kerberos." },
  GuestTargetSessionMode: {
    name: "SshSessionMode",
    description: "How SSH commands run: a new exec channel each, or in long-lived shells (persistent).",
  },
  DiskSpecProvisioning: {
    name: "DiskProvisioning",
    description: "How a new disk's space is allocated: thin, thick (lazy zeroed) or eagerZeroedThick.",
  },
  ShellScriptShell: { name: "Shell", description: "The shell a script runs in." },
  PodCommandLogging: {
    name: "Logging",
    description: "Which of a command's output streams reach the Pulumi engine's log while it runs.",
  },
  PodCommandParser: { name: "OutputParser", description: "How stdout is parsed into `data`." },
  PortGroupSpecKind: {
    name: "PortGroupKind",
    description: "A port group on a standard vSwitch or on a distributed switch.",
  },
  RecordedInterfaceManaged: {
    name: "ManagedSetting",
    description: "An interface setting pod changed, which delete restores.",
  },
};
