import { createHash } from "node:crypto";
import { dirname } from "node:path/win32";
import type { Cmdlet, Invocation } from "../interpreter";
import { toNumber } from "../operators";
import { enumerate, PSObject, type PSValue, toText } from "../values";

/** OS identity (registry CurrentVersion, CIM classes), Get-Command, and the in-memory file system. */
const CURRENT_VERSION = "HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

function registryKey(inv: Invocation, path: string): PSObject | undefined {
  const norm = path
    .replace(/^Registry::HKEY_LOCAL_MACHINE/i, "HKLM:")
    .replace(/^HKLM:(?!\\)/i, "HKLM:\\")
    .replace(/\\+$/, "");
  if (norm.toLowerCase() !== CURRENT_VERSION.toLowerCase()) return undefined;
  const os = inv.machine.os;
  return new PSObject(["System.Management.Automation.PSCustomObject", "System.Object"], {
    SystemRoot: "C:\\Windows",
    BuildBranch: "fe_release",
    BuildGUID: "ffffffff-ffff-ffff-ffff-ffffffffffff",
    BuildLab: `${os.build}.fe_release.210507-1500`,
    BuildLabEx: `${os.build}.1.amd64fre.fe_release.210507-1500`,
    CompositionEditionID: os.editionId,
    CurrentBuild: String(os.build),
    CurrentBuildNumber: String(os.build),
    CurrentMajorVersionNumber: 10,
    CurrentMinorVersionNumber: 0,
    CurrentType: "Multiprocessor Free",
    CurrentVersion: "6.3",
    DisplayVersion: os.displayVersion,
    EditionID: os.editionId,
    InstallationType: "Server",
    ProductName: os.productName,
    ReleaseId: "2009",
    UBR: os.ubr,
    RegisteredOwner: "Windows User",
    PSPath: `Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion`,
    PSParentPath: "Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT",
    PSChildName: "CurrentVersion",
    PSDrive: "HKLM",
    PSProvider: "Microsoft.PowerShell.Core\\Registry",
  });
}

const pathNotFound = (inv: Invocation, path: string) =>
  inv.error(`Cannot find path '${path}' because it does not exist.`, {
    exception: "ItemNotFoundException",
    category: "ObjectNotFound",
    targetName: path,
    errorId: `PathNotFound,Microsoft.PowerShell.Commands.${inv.name.replace("-", "")}Command`,
  });

const getItemProperty: Cmdlet = {
  name: "Get-ItemProperty",
  params: [
    { name: "Path", type: "strings", position: 0, aliases: ["LiteralPath", "PSPath"] },
    { name: "Name", type: "strings", position: 1 },
  ],
  run(inv) {
    const out: PSValue[] = [];
    for (const p of enumerate(inv.get("Path") ?? null).map(toText)) {
      const key = registryKey(inv, p);
      if (!key) {
        pathNotFound(inv, p);
        continue;
      }
      if (!inv.has("Name")) {
        out.push(key);
        continue;
      }
      const picked = new PSObject(undefined, []);
      for (const n of enumerate(inv.get("Name") ?? null).map(toText)) {
        const v = key.get(n);
        if (v === undefined) {
          inv.error(`Property ${n} does not exist at path ${p.replace(/^HKLM:/i, "HKEY_LOCAL_MACHINE")}.`, {
            exception: "PSArgumentException",
            category: "InvalidArgument",
            targetName: n,
            errorId:
              "System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand",
          });
          continue;
        }
        picked.set(n, v);
      }
      for (const n of ["PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider"])
        picked.set(n, key.get(n) ?? null);
      if (picked.entries().length > 5) out.push(picked);
    }
    return out;
  },
};

function cimClass(inv: Invocation, name: string): PSObject | undefined {
  const m = inv.machine;
  const types = (cls: string) => [
    `Microsoft.Management.Infrastructure.CimInstance#root/cimv2/${cls}`,
    "Microsoft.Management.Infrastructure.CimInstance",
    "System.Object",
  ];
  switch (name.toLowerCase()) {
    case "win32_operatingsystem":
      return new PSObject(
        types("Win32_OperatingSystem"),
        {
          Caption: m.os.caption,
          Version: m.os.version,
          BuildNumber: String(m.os.build),
          OSArchitecture: "64-bit",
          ProductType: 3,
          OperatingSystemSKU: m.os.sku,
          OSType: 18,
          CSName: m.hostname,
          SystemDirectory: "C:\\Windows\\system32",
          WindowsDirectory: "C:\\Windows",
          SystemDrive: "C:",
          OSLanguage: 1033,
          Manufacturer: "Microsoft Corporation",
          Organization: "",
          RegisteredUser: "Windows User",
          SerialNumber: "00454-60000-00001-AA000",
          LastBootUpTime: m.bootTime.toISOString(),
          TotalVisibleMemorySize: 4193848,
          PSComputerName: null,
        },
        ["SystemDirectory", "Organization", "BuildNumber", "RegisteredUser", "SerialNumber", "Version"],
      );
    case "win32_computersystem":
      return new PSObject(
        types("Win32_ComputerSystem"),
        {
          Name: m.hostname,
          DNSHostName: m.hostname.toLowerCase(),
          Domain: "WORKGROUP",
          PartOfDomain: false,
          Workgroup: "WORKGROUP",
          Manufacturer: "VMware, Inc.",
          Model: "VMware7,1",
          SystemType: "x64-based PC",
          NumberOfLogicalProcessors: 2,
          TotalPhysicalMemory: 4294430720,
          PrimaryOwnerName: "Windows User",
          PSComputerName: null,
        },
        ["Name", "PrimaryOwnerName", "Domain", "TotalPhysicalMemory", "Model", "Manufacturer"],
      );
    default:
      return undefined;
  }
}

const getCimInstance: Cmdlet = {
  name: "Get-CimInstance",
  params: [
    { name: "ClassName", position: 0, aliases: ["Class"] },
    { name: "Namespace" },
    { name: "Filter" },
    { name: "Property", type: "strings" },
  ],
  run(inv) {
    const cls = toText(inv.get("ClassName") ?? null);
    const o = cimClass(inv, cls);
    if (o) return [o];
    return inv.fail("Invalid class ", {
      exception: "CimException",
      category: "MetadataError",
      targetName: `root\\cimv2:${cls}`,
      targetType: "String",
      errorId: "HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand",
    });
  },
};

const getCommand: Cmdlet = {
  name: "Get-Command",
  params: [{ name: "Name", type: "strings", position: 0 }, { name: "Module" }, { name: "CommandType" }],
  run(inv) {
    const out: PSValue[] = [];
    for (const n of enumerate(inv.get("Name") ?? null).map(toText)) {
      const c = inv.interp.cmdlets.get(inv.interp.aliases.get(n.toLowerCase()) ?? n.toLowerCase());
      if (!c) {
        inv.error(
          `The term '${n}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
          {
            exception: "CommandNotFoundException",
            category: "ObjectNotFound",
            targetName: n,
            errorId: "CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand",
          },
        );
        continue;
      }
      const o = new PSObject(
        ["System.Management.Automation.CmdletInfo"],
        { CommandType: "Cmdlet", Name: c.name, Version: "1.0.0.0", Source: c.module ?? "Microsoft.PowerShell.Utility" },
        ["CommandType", "Name", "Version", "Source"],
      );
      o.view = "table";
      out.push(o);
    }
    return out;
  },
};

const testPath: Cmdlet = {
  name: "Test-Path",
  params: [{ name: "Path", type: "strings", position: 0, aliases: ["LiteralPath"] }, { name: "PathType" }],
  run(inv) {
    return enumerate(inv.get("Path") ?? null).map((p) => {
      const path = toText(p);
      if (/^HKLM:/i.test(path)) return registryKey(inv, path) !== undefined;
      const isFile = inv.machine.files.has(inv.machine.fileKey(path));
      const isDir = inv.machine.dirExists(path);
      const type = toText(inv.get("PathType") ?? "Any").toLowerCase();
      return type === "leaf" ? isFile : type === "container" ? isDir : isFile || isDir;
    });
  },
};

const getContent: Cmdlet = {
  name: "Get-Content",
  params: [
    { name: "Path", type: "strings", position: 0, aliases: ["LiteralPath"] },
    { name: "Raw", type: "switch" },
    { name: "Encoding" },
    { name: "TotalCount", type: "int", aliases: ["First", "Head"] },
  ],
  run(inv) {
    const out: PSValue[] = [];
    for (const p of enumerate(inv.get("Path") ?? null).map(toText)) {
      const f = inv.machine.files.get(inv.machine.fileKey(p));
      if (!f) {
        pathNotFound(inv, p);
        continue;
      }
      const text = f.data.toString("utf8").replace(/^\uFEFF/, "");
      if (inv.get("Raw") === true) out.push(text);
      else {
        const lines = text.split(/\r?\n/);
        if (lines[lines.length - 1] === "") lines.pop();
        out.push(...(inv.has("TotalCount") ? lines.slice(0, toNumber(inv.get("TotalCount") ?? 0)) : lines));
      }
    }
    return out;
  },
};

const setContent = (name: "Set-Content" | "Add-Content"): Cmdlet => ({
  name,
  params: [
    { name: "Path", type: "strings", position: 0, aliases: ["LiteralPath"] },
    { name: "Value", type: "any", position: 1 },
    { name: "Encoding" },
    { name: "NoNewline", type: "switch" },
    { name: "Force", type: "switch" },
  ],
  run(inv) {
    const values = inv.has("Value") ? enumerate(inv.get("Value") ?? null) : inv.input;
    const text = values.map(toText).join("\r\n") + (inv.get("NoNewline") === true ? "" : "\r\n");
    for (const path of enumerate(inv.get("Path") ?? null).map(toText)) {
      if (!inv.machine.dirExists(dirname(path))) {
        inv.error(`Could not find a part of the path '${path}'.`, {
          exception: "DirectoryNotFoundException",
          category: "ObjectNotFound",
          targetName: path,
          errorId: `GetContentWriterDirectoryNotFoundError,Microsoft.PowerShell.Commands.${name.replace("-", "")}Command`,
        });
        continue;
      }
      const key = inv.machine.fileKey(path);
      const before = name === "Add-Content" ? (inv.machine.files.get(key)?.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
      inv.machine.files.set(key, { path, data: Buffer.concat([before, Buffer.from(text, "utf8")]) });
    }
    return [];
  },
});

/** Get-FileHash (PowerShell 4.0+): the file's hash as upper-case hex, SHA256 by default. */
const getFileHash: Cmdlet = {
  name: "Get-FileHash",
  module: "Microsoft.PowerShell.Utility",
  params: [{ name: "Path", type: "strings", position: 0, aliases: ["LiteralPath"] }, { name: "Algorithm" }],
  run(inv) {
    const algorithm = toText(inv.get("Algorithm") ?? "SHA256").toUpperCase();
    const out: PSValue[] = [];
    for (const p of enumerate(inv.get("Path") ?? null).map(toText)) {
      const f = inv.machine.files.get(inv.machine.fileKey(p));
      if (!f) {
        pathNotFound(inv, p);
        continue;
      }
      const hash = createHash(algorithm.replace("SHA", "sha").replace("MD5", "md5")).update(f.data).digest("hex");
      const o = new PSObject(
        ["Microsoft.Powershell.Utility.FileHash"],
        { Algorithm: algorithm, Hash: hash.toUpperCase(), Path: f.path },
        ["Algorithm", "Hash", "Path"],
      );
      o.view = "table";
      out.push(o);
    }
    return out;
  },
};

const removeItem: Cmdlet = {
  name: "Remove-Item",
  params: [
    { name: "Path", type: "strings", position: 0, aliases: ["LiteralPath"] },
    { name: "Force", type: "switch" },
    { name: "Recurse", type: "switch" },
  ],
  run(inv) {
    for (const p of enumerate(inv.get("Path") ?? null).map(toText)) {
      const key = inv.machine.fileKey(p);
      if (inv.machine.files.delete(key)) continue;
      if (inv.machine.dirs.delete(key)) continue;
      pathNotFound(inv, p);
    }
    return [];
  },
};

const newItem: Cmdlet = {
  name: "New-Item",
  params: [
    { name: "Path", type: "strings", position: 0 },
    { name: "ItemType", aliases: ["Type"] },
    { name: "Value", type: "any" },
    { name: "Force", type: "switch" },
    { name: "Name" },
  ],
  run(inv) {
    const out: PSValue[] = [];
    for (const p of enumerate(inv.get("Path") ?? null).map(toText)) {
      const path = inv.has("Name") ? `${p.replace(/\\$/, "")}\\${toText(inv.get("Name") ?? null)}` : p;
      const key = inv.machine.fileKey(path);
      const exists = inv.machine.dirs.has(key) || inv.machine.files.has(key);
      if (exists && inv.get("Force") !== true) {
        inv.error(`An item with the specified name ${path} already exists.`, {
          exception: "IOException",
          category: "ResourceExists",
          targetName: path,
          errorId: "DirectoryExist,Microsoft.PowerShell.Commands.NewItemCommand",
        });
        continue;
      }
      if (toText(inv.get("ItemType") ?? "File").toLowerCase() === "directory") {
        // -Force creates the parents too, as it does on Windows.
        let d = key;
        while (d.includes("\\")) {
          inv.machine.dirs.add(d);
          d = d.slice(0, d.lastIndexOf("\\"));
        }
      } else inv.machine.files.set(key, { path, data: Buffer.from(toText(inv.get("Value") ?? ""), "utf8") });
      out.push(
        new PSObject(["System.IO.FileSystemInfo"], { FullName: path, Name: path.split("\\").pop() ?? path }, ["Name"]),
      );
    }
    return out;
  },
};

export const SYSTEM_CMDLETS: Cmdlet[] = [
  getItemProperty,
  getCimInstance,
  getCommand,
  testPath,
  getContent,
  setContent("Set-Content"),
  setContent("Add-Content"),
  removeItem,
  newItem,
  getFileHash,
];
