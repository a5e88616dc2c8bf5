import { dirname } from "node:path/win32";
import { ErrorRecord, PSRuntimeError } from "./errors";
import type { Interpreter } from "./interpreter";
import { methodNotFound } from "./methods";
import { toNumber } from "./operators";
import { enumerate, PSEnum, PSMethodHost, PSObject, type PSValue, TypeRef, toText, version } from "./values";

/**
 * Static members ([Type]::Member) of the subset: Environment, Convert,
 * Text.Encoding, IO.File, IO.Path, Console (stdin), ScriptBlock, String,
 * Math and Net.Dns. File access goes to the guest's in-memory file system.
 */
const dotnetError = (method: string, argc: number, message: string, exception = "MethodInvocationException") =>
  new PSRuntimeError(
    new ErrorRecord(`Exception calling "${method}" with "${argc}" argument(s): "${message}"`, {
      exception,
      category: "NotSpecified",
      errorId: exception === "MethodInvocationException" ? "DotNetMethodException" : exception,
      noPrefix: true,
    }),
  );

const encoding = (name: "UTF8" | "Unicode" | "ASCII", enc: BufferEncoding) =>
  new PSMethodHost(`System.Text.${name}Encoding`, {
    GetString: (a) =>
      Buffer.from(
        a[0] instanceof Buffer ? a[0] : Buffer.from(enumerate(a[0] ?? null).map((x) => toNumber(x))),
      ).toString(enc),
    GetBytes: (a) => Buffer.from(toText(a[0] ?? null), enc),
  });

/**
 * [IO.File]::Open(path, mode): a FileStream with Write(bytes, offset, count),
 * Flush, Close and Dispose; modes Create, CreateNew, Append, Truncate,
 * OpenOrCreate, Open (the string converts to FileMode as in PowerShell).
 */
function openFileStream(interp: Interpreter, path: string, mode: string): PSValue {
  const machine = interp.machine;
  const key = machine.fileKey(path);
  const modes = ["create", "createnew", "append", "truncate", "openorcreate", "open"];
  const m = mode.toLowerCase();
  if (!modes.includes(m)) throw dotnetError("Open", 2, `Cannot convert argument "mode", with value: "${mode}".`);
  if (!machine.dirExists(dirname(path))) throw dotnetError("Open", 2, `Could not find a part of the path '${path}'.`);
  const exists = machine.files.has(key);
  if (!exists && (m === "open" || m === "truncate")) throw dotnetError("Open", 2, `Could not find file '${path}'.`);
  if (exists && m === "createnew") throw dotnetError("Open", 2, `The file '${path}' already exists.`, "IOException");
  const keep = exists && (m === "append" || m === "openorcreate" || m === "open");
  const parts: Buffer[] = keep ? [machine.files.get(key)?.data ?? Buffer.alloc(0)] : [];
  let closed = false;
  const flush = () => machine.files.set(key, { path, data: Buffer.concat(parts) });
  flush();
  const close = () => {
    if (!closed) flush();
    closed = true;
    return null;
  };
  return new PSMethodHost("System.IO.FileStream", {
    Write: (a) => {
      if (closed) throw dotnetError("Write", a.length, "Cannot access a closed file.", "ObjectDisposedException");
      const v = a[0] ?? null;
      const bytes = Buffer.isBuffer(v) ? v : Buffer.from(enumerate(v).map((x) => toNumber(x)));
      const offset = toNumber(a[1] ?? 0);
      parts.push(Buffer.from(bytes.subarray(offset, offset + toNumber(a[2] ?? bytes.length))));
      return null;
    },
    Flush: () => {
      flush();
      return null;
    },
    Close: close,
    Dispose: close,
  });
}

export async function getStatic(
  interp: Interpreter,
  typeName: string,
  member: string,
  args: PSValue[] | undefined,
): Promise<PSValue> {
  const type = typeName.toLowerCase().replace(/^system\./, "");
  const m = member.toLowerCase();
  const machine = interp.machine;
  const arg = (i: number): PSValue => args?.[i] ?? null;
  const call = (name: string, argc: number) => args !== undefined && m === name && args.length === argc;
  const file = () => {
    const path = toText(arg(0));
    return { path, key: machine.fileKey(path) };
  };
  switch (type) {
    case "environment":
      if (m === "osversion") {
        const v = version(10, 0, machine.os.build, 0);
        return new PSObject(["System.OperatingSystem"], {
          Platform: new PSEnum("System.PlatformID", "Win32NT", 2),
          ServicePack: "",
          Version: v,
          VersionString: `Microsoft Windows NT 10.0.${machine.os.build}.0`,
        });
      }
      if (m === "machinename") return machine.hostname;
      if (m === "username") return "Administrator";
      if (m === "userdomainname") return machine.hostname;
      if (m === "newline") return "\r\n";
      if (m === "is64bitoperatingsystem" || m === "is64bitprocess") return true;
      if (m === "processorcount") return 2;
      if (call("getenvironmentvariable", 1)) return interp.getVar(`env:${toText(arg(0))}`);
      break;
    case "convert":
      if (call("tobase64string", 1)) {
        const v = arg(0);
        return (Buffer.isBuffer(v) ? v : Buffer.from(enumerate(v).map((x) => toNumber(x)))).toString("base64");
      }
      if (call("frombase64string", 1)) {
        const text = toText(arg(0)).replace(/\s+/g, "");
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
          throw dotnetError(
            "FromBase64String",
            1,
            "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. ",
          );
        }
        return Buffer.from(text, "base64");
      }
      if (call("toint32", 1)) return Math.trunc(toNumber(arg(0)));
      break;
    case "text.encoding":
      if (m === "utf8") return encoding("UTF8", "utf8");
      if (m === "unicode") return encoding("Unicode", "utf16le");
      if (m === "ascii") return encoding("ASCII", "latin1");
      break;
    case "io.file":
      if (call("exists", 1)) return machine.files.has(file().key);
      if (call("readallbytes", 1) || call("readalltext", 1)) {
        const f = machine.files.get(file().key);
        if (!f) throw dotnetError(member, 1, `Could not find file '${file().path}'.`);
        return m === "readallbytes" ? Buffer.from(f.data) : f.data.toString("utf8").replace(/^\uFEFF/, "");
      }
      if (call("writeallbytes", 2) || call("writealltext", 2)) {
        const { path, key } = file();
        if (!interp.machine.dirExists(dirname(path)))
          throw dotnetError(member, 2, `Could not find a part of the path '${path}'.`);
        const v = arg(1);
        const data = Buffer.isBuffer(v)
          ? v
          : m === "writealltext"
            ? Buffer.from(toText(v), "utf8")
            : Buffer.from(enumerate(v).map((x) => toNumber(x)));
        machine.files.set(key, { path, data: Buffer.from(data) });
        return null;
      }
      if (call("delete", 1)) {
        machine.files.delete(file().key);
        return null;
      }
      if (call("open", 2)) return openFileStream(interp, toText(arg(0)), toText(arg(1)));
      break;
    case "io.directory":
      // Delete(path) and Delete(path, $false) refuse a folder that still holds anything, as .NET does.
      if (args && m === "delete" && args.length <= 2) {
        const { path, key } = file();
        if (!machine.dirs.has(key))
          throw dotnetError(member, args.length, `Could not find a part of the path '${path}'.`);
        const inside = (k: string) => k.startsWith(`${key}\\`);
        const recursive = args.length === 2 && arg(1) === true;
        if (!recursive && ([...machine.files.keys()].some(inside) || [...machine.dirs].some(inside))) {
          throw dotnetError(member, args.length, "The directory is not empty.", "IOException");
        }
        for (const k of [...machine.files.keys()]) if (inside(k)) machine.files.delete(k);
        for (const k of [...machine.dirs]) if (inside(k)) machine.dirs.delete(k);
        machine.dirs.delete(key);
        return null;
      }
      if (call("exists", 1)) return machine.dirs.has(file().key);
      break;
    case "io.path":
      if (args && m === "combine")
        return args.map(toText).reduce((a, b) => (b.match(/^[A-Za-z]:\\|^\\/) ? b : `${a.replace(/\\$/, "")}\\${b}`));
      if (call("gettemppath", 0)) return "C:\\Users\\Administrator\\AppData\\Local\\Temp\\";
      if (call("getfilename", 1)) return toText(arg(0)).split("\\").pop() ?? "";
      break;
    case "console":
      if (m === "in") return new PSMethodHost("System.IO.SyncTextReader", { ReadToEnd: () => interp.host.readStdin() });
      if (m === "outputencoding" || m === "inputencoding") return encoding("UTF8", "utf8");
      break;
    case "scriptblock":
      if (call("create", 1)) return interp.parseBlock(toText(arg(0)));
      break;
    case "string":
      if (call("isnullorempty", 1)) return toText(arg(0)) === "";
      if (call("isnullorwhitespace", 1)) return toText(arg(0)).trim() === "";
      if (args && m === "join")
        return enumerate(arg(1))
          .map(toText)
          .join(toText(arg(0)));
      if (m === "empty") return "";
      break;
    case "math":
      if (args && m === "round") return Number(toNumber(arg(0)).toFixed(args.length > 1 ? toNumber(arg(1)) : 0));
      if (call("floor", 1)) return Math.floor(toNumber(arg(0)));
      if (call("ceiling", 1)) return Math.ceil(toNumber(arg(0)));
      if (args && m === "max") return Math.max(toNumber(arg(0)), toNumber(arg(1)));
      if (args && m === "min") return Math.min(toNumber(arg(0)), toNumber(arg(1)));
      break;
    case "net.dns":
      if (call("gethostname", 0)) return machine.hostname;
      break;
    default:
      throw new PSRuntimeError(
        new ErrorRecord(`Unable to find type [${typeName}].`, {
          exception: "RuntimeException",
          category: "InvalidOperation",
          targetName: typeName,
          errorId: "TypeNotFound",
          noPrefix: true,
        }),
      );
  }
  throw methodNotFound(new TypeRef(typeName), member);
}
