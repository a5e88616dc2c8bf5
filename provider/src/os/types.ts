/**
 * What pod knows about a guest's operating system, and the contract of an OS
 * handler: a pure builder of command lines for one kind of guest. Handlers do
 * no I/O; connections run what they build.
 */
import type { TransportKind } from "../common/transport";

/** Built-in types; registered handlers add their own names. */
export type BuiltinOsType = "linux" | "windows" | "rocky-container" | "unknown";
// `string & {}` keeps editor completion for the built-in names.
export type OsType = BuiltinOsType | (string & {});

/** The shells a script can name. */
export type ShellName = "sh" | "bash" | "powershell" | "cmd";

/** How the guest's default shell parses a command line. */
export type Dialect = "posix" | "cmd" | "powershell";

export interface OsInfo {
  type: OsType;
  /** "debian", "redhat", "windows", or the distribution's own id when it has no family. */
  family: string;
  /** "debian", "rocky", "ubuntu", "Windows 11 Pro", … */
  distribution: string;
  /** VERSION_ID on Linux; "10.0.22631" on Windows. */
  version: string;
  /** Windows build number (22631), with the update revision when known ("22631.4317"). */
  build?: string;
  container: boolean;
  /** "docker", "podman", "lxc", … when `container`. */
  containerRuntime?: string;
  /** Network tools found on the guest: ip, nmcli, netplan, networkctl, ifup, powershell. */
  tools: string[];
  /** Extra facts handlers keep (kernel, PID 1, edition, …). */
  details?: Record<string, string>;
}

/** Facts from the POSIX probe (see probe/linux-probe.ts). */
export interface PosixFacts {
  kind: "posix";
  /** `uname -srm`, e.g. "Linux 6.1.0-18-amd64 x86_64". */
  uname: string;
  /** os-release keys (ID, ID_LIKE, VERSION_ID, NAME, PRETTY_NAME, …), unquoted. */
  osRelease: Record<string, string>;
  /** First 200 bytes of release files that exist, by path. */
  releaseFiles: Record<string, string>;
  /** /proc/1/comm. */
  pid1: string;
  /** Container runtimes that left a marker: docker, podman, or /run/systemd/container's content. */
  containerMarkers: string[];
  /** The first /proc/1/cgroup line that names a container manager. */
  cgroup?: string;
  tools: string[];
}

/** Facts from the Windows PowerShell probe (see probe/windows-probe.ts). */
export interface WindowsFacts {
  kind: "windows";
  /** [Environment]::OSVersion.Version, "10.0.22631.0". */
  version: string;
  build: number;
  ubr?: number;
  productName: string;
  edition: string;
  /** "Client", "Server", "Server Core". */
  installationType: string;
  displayVersion?: string;
}

export type ProbeFacts = PosixFacts | WindowsFacts;

/** vSphere's view of the guest (VirtualMachine guest.guestFamily / config.guestId). */
export interface GuestInfoHint {
  guestFamily?: string;
  guestId?: string;
}

/** What a detection knows before any probe ran: the transport, the container flag. */
export interface DetectionContext {
  transport: TransportKind;
}

/** What a handler's detect() returns; the registry stamps `type` with the handler's name. */
export type DetectedOs = Omit<OsInfo, "type">;

export interface OsHandler {
  /** How the guest's default shell parses the command lines this handler builds. */
  readonly dialect: Dialect;
  /** Claims a guest from probe facts, or returns undefined. */
  detect(facts: ProbeFacts, context: DetectionContext): DetectedOs | undefined;
  /** One command line for argv, quoted for the dialect. */
  commandLine(argv: readonly string[]): string;
  /** One command line that runs `script` with the named shell. */
  script(script: string, shell: ShellName): string;
}
