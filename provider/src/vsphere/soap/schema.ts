/**
 * The slice of the vim25 schema pod uses, as a small hand-kept table instead
 * of a multi-megabyte WSDL: for each data type its base type and its fields in
 * XSD sequence order (real vCenter rejects out-of-order elements), and for
 * each method its parameters. Field syntax: "name:Type", "name:Type[]" for
 * arrays. Decoding also uses the table, to know which fields are arrays even
 * when the server sends a single element.
 */
export interface FieldDef {
  name: string;
  type: string;
  array: boolean;
}

export interface TypeDef {
  base?: string;
  fields: FieldDef[];
}

export const SCALARS = new Set([
  "string",
  "int",
  "long",
  "short",
  "byte",
  "boolean",
  "double",
  "float",
  "dateTime",
  "base64Binary",
  "anyType",
]);
export const MOREF = "ManagedObjectReference";

function fields(spec: string): FieldDef[] {
  return spec
    .split(/\s+/)
    .filter(Boolean)
    .map((item) => {
      const [name = "", type = ""] = item.split(":");
      const array = type.endsWith("[]");
      return { name, type: array ? type.slice(0, -2) : type, array };
    });
}

const t = (spec: string, base?: string): TypeDef => (base ? { base, fields: fields(spec) } : { fields: fields(spec) });

const M = MOREF;

export const TYPES: Record<string, TypeDef> = {
  // --- property collector
  PropertyFilterSpec: t(`propSet:PropertySpec[] objectSet:ObjectSpec[] reportMissingObjectsInResults:boolean`),
  PropertySpec: t(`type:string all:boolean pathSet:string[]`),
  ObjectSpec: t(`obj:${M} skip:boolean selectSet:SelectionSpec[]`),
  SelectionSpec: t(`name:string`),
  TraversalSpec: t(`type:string path:string skip:boolean selectSet:SelectionSpec[]`, "SelectionSpec"),
  RetrieveOptions: t(`maxObjects:int`),
  RetrieveResult: t(`token:string objects:ObjectContent[]`),
  ObjectContent: t(`obj:${M} propSet:DynamicProperty[] missingSet:MissingProperty[]`),
  DynamicProperty: t(`name:string val:anyType`),
  MissingProperty: t(`path:string fault:LocalizedMethodFault`),
  WaitOptions: t(`maxWaitSeconds:int maxObjectUpdates:int`),
  UpdateSet: t(`version:string filterSet:PropertyFilterUpdate[] truncated:boolean`),
  PropertyFilterUpdate: t(`filter:${M} objectSet:ObjectUpdate[] missingSet:MissingObject[]`),
  ObjectUpdate: t(`kind:string obj:${M} changeSet:PropertyChange[] missingSet:MissingProperty[]`),
  PropertyChange: t(`name:string op:string val:anyType`),
  MissingObject: t(`obj:${M} fault:LocalizedMethodFault`),

  // --- service, session, tasks
  ServiceContent: t(
    `rootFolder:${M} propertyCollector:${M} viewManager:${M} about:AboutInfo setting:${M} userDirectory:${M}
     sessionManager:${M} authorizationManager:${M} serviceManager:${M} perfManager:${M} scheduledTaskManager:${M}
     alarmManager:${M} eventManager:${M} taskManager:${M} extensionManager:${M} customizationSpecManager:${M}
     customFieldsManager:${M} accountManager:${M} diagnosticManager:${M} licenseManager:${M} searchIndex:${M}
     fileManager:${M} datastoreNamespaceManager:${M} virtualDiskManager:${M} virtualizationManager:${M}
     snmpSystem:${M} vmProvisioningChecker:${M} vmCompatibilityChecker:${M} ovfManager:${M} ipPoolManager:${M}
     dvSwitchManager:${M} hostProfileManager:${M} clusterProfileManager:${M} complianceManager:${M}
     localizationManager:${M} storageResourceManager:${M} guestOperationsManager:${M}`,
  ),
  AboutInfo: t(
    `name:string fullName:string vendor:string version:string patchLevel:string build:string localeVersion:string
     localeBuild:string osType:string productLineId:string apiType:string apiVersion:string instanceUuid:string
     licenseProductName:string licenseProductVersion:string`,
  ),
  UserSession: t(`key:string userName:string fullName:string loginTime:dateTime lastActiveTime:dateTime
     locale:string messageLocale:string extensionSession:boolean ipAddress:string userAgent:string callCount:long`),
  TaskInfo: t(
    `key:string task:${M} description:LocalizableMessage name:string descriptionId:string entity:${M}
     entityName:string locked:${M}[] state:string cancelled:boolean cancelable:boolean error:LocalizedMethodFault
     result:anyType progress:int`,
  ),
  LocalizableMessage: t(`key:string arg:KeyAnyValue[] message:string`),
  KeyAnyValue: t(`key:string value:anyType`),
  LocalizedMethodFault: t(`fault:MethodFault localizedMessage:string`),
  MethodFault: t(`faultCause:LocalizedMethodFault faultMessage:LocalizableMessage[]`),

  // --- virtual machines
  VirtualMachineCloneSpec: t(
    `location:VirtualMachineRelocateSpec template:boolean config:VirtualMachineConfigSpec
     customization:CustomizationSpec powerOn:boolean snapshot:${M} memory:boolean`,
  ),
  VirtualMachineRelocateSpec: t(
    `service:ServiceLocator folder:${M} datastore:${M} diskMoveType:string pool:${M} host:${M}
     disk:VirtualMachineRelocateSpecDiskLocator[] transform:string deviceChange:VirtualDeviceConfigSpec[]`,
  ),
  VirtualMachineConfigSpec: t(
    `changeVersion:string name:string version:string uuid:string instanceUuid:string guestId:string
     annotation:string files:VirtualMachineFileInfo numCPUs:int numCoresPerSocket:int memoryMB:long
     deviceChange:VirtualDeviceConfigSpec[] extraConfig:OptionValue[]`,
  ),
  VirtualMachineFileInfo: t(`vmPathName:string snapshotDirectory:string suspendDirectory:string logDirectory:string`),
  OptionValue: t(`key:string value:anyType`),
  VirtualDeviceConfigSpec: t(`operation:string fileOperation:string device:VirtualDevice`),
  VirtualDevice: t(
    `key:int deviceInfo:Description backing:VirtualDeviceBackingInfo connectable:VirtualDeviceConnectInfo
     slotInfo:VirtualDeviceBusSlotInfo controllerKey:int unitNumber:int`,
  ),
  Description: t(`label:string summary:string`),
  VirtualDeviceConnectInfo: t(`startConnected:boolean allowGuestControl:boolean connected:boolean status:string`),
  VirtualEthernetCard: t(`addressType:string macAddress:string wakeOnLanEnabled:boolean`, "VirtualDevice"),
  VirtualVmxnet: t(``, "VirtualEthernetCard"),
  VirtualVmxnet3: t(``, "VirtualVmxnet"),
  VirtualVmxnet2: t(``, "VirtualVmxnet"),
  VirtualE1000: t(``, "VirtualEthernetCard"),
  VirtualE1000e: t(``, "VirtualEthernetCard"),
  VirtualPCNet32: t(``, "VirtualEthernetCard"),
  VirtualDeviceBackingInfo: t(``),
  VirtualDeviceDeviceBackingInfo: t(`deviceName:string useAutoDetect:boolean`, "VirtualDeviceBackingInfo"),
  VirtualEthernetCardNetworkBackingInfo: t(`network:${M} inPassthroughMode:boolean`, "VirtualDeviceDeviceBackingInfo"),
  VirtualEthernetCardDistributedVirtualPortBackingInfo: t(
    `port:DistributedVirtualSwitchPortConnection`,
    "VirtualDeviceBackingInfo",
  ),
  DistributedVirtualSwitchPortConnection: t(
    `switchUuid:string portgroupKey:string portKey:string connectionCookie:int`,
  ),
  VirtualHardware: t(
    `numCPU:int numCoresPerSocket:int autoCoresPerSocket:boolean memoryMB:int virtualICH7MPresent:boolean
     virtualSMCPresent:boolean device:VirtualDevice[]`,
  ),
  VirtualMachineConfigInfo: t(
    `changeVersion:string modified:dateTime name:string guestFullName:string version:string uuid:string
     createDate:dateTime instanceUuid:string template:boolean guestId:string hardware:VirtualHardware
     extraConfig:OptionValue[]`,
  ),
  GuestInfo: t(
    `toolsStatus:string toolsVersionStatus:string toolsVersionStatus2:string toolsRunningStatus:string
     toolsVersion:string guestId:string guestFamily:string guestFullName:string hostName:string ipAddress:string
     net:GuestNicInfo[] ipStack:GuestStackInfo[] guestState:string`,
  ),
  GuestNicInfo: t(
    `network:string ipAddress:string[] macAddress:string connected:boolean deviceConfigId:int
     ipConfig:NetIpConfigInfo`,
  ),
  NetIpConfigInfo: t(`ipAddress:NetIpConfigInfoIpAddress[]`),
  NetIpConfigInfoIpAddress: t(`ipAddress:string prefixLength:int origin:string state:string`),
  GuestStackInfo: t(`dnsConfig:NetDnsConfigInfo ipRouteConfig:NetIpRouteConfigInfo`),
  NetDnsConfigInfo: t(`dhcp:boolean hostName:string domainName:string ipAddress:string[] searchDomain:string[]`),
  NetIpRouteConfigInfo: t(`ipRoute:NetIpRouteConfigInfoIpRoute[]`),
  NetIpRouteConfigInfoIpRoute: t(`network:string prefixLength:int gateway:NetIpRouteConfigInfoGateway`),
  NetIpRouteConfigInfoGateway: t(`ipAddress:string device:string`),
  ArrayOfManagedObjectReference: t(`ManagedObjectReference:${M}[]`),

  // --- networking
  HostPortGroupSpec: t(`name:string vlanId:int vswitchName:string policy:HostNetworkPolicy`),
  HostNetworkPolicy: t(``),
  HostNetworkInfo: t(`vswitch:HostVirtualSwitch[] portgroup:HostPortGroup[]`),
  HostVirtualSwitch: t(`name:string key:string numPorts:int numPortsAvailable:int mtu:int portgroup:string[]`),
  HostPortGroup: t(`key:string port:HostPortGroupPort[] vswitch:string computedPolicy:HostNetworkPolicy
     spec:HostPortGroupSpec`),
  HostPortGroupPort: t(`key:string mac:string[] type:string`),
  DVPortgroupConfigSpec: t(
    `configVersion:string name:string numPorts:int portNameFormat:string defaultPortConfig:DVPortSetting
     description:string type:string`,
  ),
  DVPortgroupConfigInfo: t(
    `key:string name:string numPorts:int distributedVirtualSwitch:${M} defaultPortConfig:DVPortSetting
     description:string type:string`,
  ),
  DVPortSetting: t(`blocked:BoolPolicy`),
  VMwareDVSPortSetting: t(`vlan:VmwareDistributedVirtualSwitchVlanSpec`, "DVPortSetting"),
  BoolPolicy: t(`inherited:boolean value:boolean`),
  VmwareDistributedVirtualSwitchVlanSpec: t(`inherited:boolean`),
  VmwareDistributedVirtualSwitchVlanIdSpec: t(`vlanId:int`, "VmwareDistributedVirtualSwitchVlanSpec"),
  VmwareDistributedVirtualSwitchTrunkVlanSpec: t(`vlanId:NumericRange[]`, "VmwareDistributedVirtualSwitchVlanSpec"),
  NumericRange: t(`start:int end:int`),

  // --- guest operations
  GuestAuthentication: t(`interactiveSession:boolean`),
  NamePasswordAuthentication: t(`username:string password:string`, "GuestAuthentication"),
  GuestProgramSpec: t(`programPath:string arguments:string workingDirectory:string envVariables:string[]`),
  GuestProcessInfo: t(`name:string pid:long owner:string cmdLine:string startTime:dateTime endTime:dateTime
     exitCode:int`),
  FileTransferInformation: t(`attributes:GuestFileAttributes size:long url:string`),
  GuestFileAttributes: t(`modificationTime:dateTime accessTime:dateTime symlinkTarget:string`),
  GuestPosixFileAttributes: t(`ownerId:int groupId:int permissions:long`, "GuestFileAttributes"),
};

const p = fields;

/** Method parameters in order; `_this` is always first. */
export const METHODS: Record<string, FieldDef[]> = {
  RetrieveServiceContent: p(`_this:${M}`),
  Login: p(`_this:${M} userName:string password:string locale:string`),
  Logout: p(`_this:${M}`),
  CurrentTime: p(`_this:${M}`),
  FindByInventoryPath: p(`_this:${M} inventoryPath:string`),
  CreateContainerView: p(`_this:${M} container:${M} type:string[] recursive:boolean`),
  DestroyView: p(`_this:${M}`),
  RetrievePropertiesEx: p(`_this:${M} specSet:PropertyFilterSpec[] options:RetrieveOptions`),
  ContinueRetrievePropertiesEx: p(`_this:${M} token:string`),
  CancelRetrievePropertiesEx: p(`_this:${M} token:string`),
  CreatePropertyCollector: p(`_this:${M}`),
  DestroyPropertyCollector: p(`_this:${M}`),
  CreateFilter: p(`_this:${M} spec:PropertyFilterSpec partialUpdates:boolean`),
  WaitForUpdatesEx: p(`_this:${M} version:string options:WaitOptions`),
  CancelWaitForUpdates: p(`_this:${M}`),
  CloneVM_Task: p(`_this:${M} folder:${M} name:string spec:VirtualMachineCloneSpec`),
  CreateVM_Task: p(`_this:${M} config:VirtualMachineConfigSpec pool:${M} host:${M}`),
  ReconfigVM_Task: p(`_this:${M} spec:VirtualMachineConfigSpec`),
  PowerOnVM_Task: p(`_this:${M} host:${M}`),
  PowerOffVM_Task: p(`_this:${M}`),
  ShutdownGuest: p(`_this:${M}`),
  Destroy_Task: p(`_this:${M}`),
  MarkAsTemplate: p(`_this:${M}`),
  AddPortGroup: p(`_this:${M} portgrp:HostPortGroupSpec`),
  RemovePortGroup: p(`_this:${M} pgName:string`),
  AddDVPortgroup_Task: p(`_this:${M} spec:DVPortgroupConfigSpec[]`),
  ReconfigureDVPortgroup_Task: p(`_this:${M} spec:DVPortgroupConfigSpec`),
  StartProgramInGuest: p(`_this:${M} vm:${M} auth:GuestAuthentication spec:GuestProgramSpec`),
  ListProcessesInGuest: p(`_this:${M} vm:${M} auth:GuestAuthentication pids:long[]`),
  TerminateProcessInGuest: p(`_this:${M} vm:${M} auth:GuestAuthentication pid:long`),
  CreateTemporaryFileInGuest: p(
    `_this:${M} vm:${M} auth:GuestAuthentication prefix:string suffix:string directoryPath:string`,
  ),
  DeleteFileInGuest: p(`_this:${M} vm:${M} auth:GuestAuthentication filePath:string`),
  InitiateFileTransferFromGuest: p(`_this:${M} vm:${M} auth:GuestAuthentication guestFilePath:string`),
  InitiateFileTransferToGuest: p(
    `_this:${M} vm:${M} auth:GuestAuthentication guestFilePath:string fileAttributes:GuestFileAttributes
     fileSize:long overwrite:boolean`,
  ),
};

/** Fields of a type, inherited ones first (the XSD extension order). */
export function allFields(typeName: string): FieldDef[] {
  const def = TYPES[typeName];
  if (!def) return [];
  return [...(def.base ? allFields(def.base) : []), ...def.fields];
}

export function isSubtype(typeName: string, ancestor: string): boolean {
  for (let name: string | undefined = typeName; name; name = TYPES[name]?.base) {
    if (name === ancestor) return true;
  }
  return false;
}
