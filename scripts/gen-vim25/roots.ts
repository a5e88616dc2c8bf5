/**
 * What pod reaches in vim25: the methods it calls and the managed-object
 * properties it reads (grep provider/src/vsphere for `call(` and the property
 * paths given to retrieveProperties/retrieveByType). The generator keeps
 * every type reachable from these, every VirtualDevice subtype and every
 * fault. A new call or property path is a line here and `make vim25`.
 */
import { VM_PROPERTIES } from "../../provider/src/vsphere/vm-properties";

export const METHODS = [
  "RetrieveServiceContent",
  "Login",
  "Logout",
  "CurrentTime",
  "FindByInventoryPath",
  "CreateContainerView",
  "DestroyView",
  "RetrievePropertiesEx",
  "ContinueRetrievePropertiesEx",
  "CancelRetrievePropertiesEx",
  "CreatePropertyCollector",
  "DestroyPropertyCollector",
  "CreateFilter",
  "WaitForUpdatesEx",
  "CancelWaitForUpdates",
  // a step cancelled or past its customTimeouts cancels the task it waits for (issue 13)
  "CancelTask",
  "CloneVM_Task",
  "CreateVM_Task",
  "ReconfigVM_Task",
  "PowerOnVM_Task",
  "PowerOffVM_Task",
  "ShutdownGuest",
  "Destroy_Task",
  "MarkAsTemplate",
  "AddPortGroup",
  "RemovePortGroup",
  "AddDVPortgroup_Task",
  "ReconfigureDVPortgroup_Task",
  "StartProgramInGuest",
  "ListProcessesInGuest",
  "TerminateProcessInGuest",
  "CreateTemporaryFileInGuest",
  // one temporary directory per guestops command instead of a file per stream (fewer guest round trips)
  "CreateTemporaryDirectoryInGuest",
  "DeleteDirectoryInGuest",
  "DeleteFileInGuest",
  "InitiateFileTransferFromGuest",
  "InitiateFileTransferToGuest",
  // disks, linked clones, custom attributes, guest customization (issue 14); AddCustomFieldDef and
  // SetField also record port-group owners across stacks (issue 16)
  "CreateSnapshot_Task",
  "RemoveSnapshot_Task",
  "AddCustomFieldDef",
  "RemoveCustomFieldDef",
  "SetField",
  "CustomizeVM_Task",
  // lab tests: a second datastore to place disks on
  "CreateLocalDatastore",
  "CreateFolder",
];

/** Managed object type → property paths pod reads (checked against the schema). */
export const PROPERTIES: Record<string, string[]> = {
  VirtualMachine: [
    ...VM_PROPERTIES,
    "parent",
    "resourcePool",
    "snapshot",
    "customValue",
    "guest.customizationInfo",
    "runtime.host",
  ],
  VirtualMachineSnapshot: ["config.hardware.device"],
  CustomFieldsManager: ["field"],
  Datastore: ["name"],
  Network: ["name", "vm", "customValue"],
  OpaqueNetwork: ["name", "summary"],
  DistributedVirtualPortgroup: ["name", "key", "config.distributedVirtualSwitch", "config.defaultPortConfig"],
  DistributedVirtualSwitch: ["name", "uuid"],
  HostSystem: ["name", "parent", "configManager.networkSystem", "configManager.datastoreSystem", "datastore"],
  HostNetworkSystem: ["networkInfo.portgroup"],
  ComputeResource: ["name", "resourcePool"],
  ClusterComputeResource: ["name", "resourcePool"],
  Datacenter: ["name", "vmFolder", "hostFolder", "networkFolder", "datastoreFolder"],
  GuestOperationsManager: ["processManager", "fileManager"],
  Task: ["info"],
};

/** Whole hierarchies pod must recognise wherever they appear. */
export const HIERARCHIES = ["VirtualDevice", "MethodFault"];
