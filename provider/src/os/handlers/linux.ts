/**
 * Linux guests, Debian and RHEL families (and any other Linux, under its own
 * id as family). Commands are POSIX sh.
 */
import { PodError } from "../../common/errors";
import { posixArgv, posixShellScript } from "../shell/posix";
import { psCommandLine } from "../shell/powershell";
import type { DetectedOs, DetectionContext, OsHandler, PosixFacts, ProbeFacts, ShellName } from "../types";

const REDHAT = new Set(["rhel", "redhat", "centos", "fedora", "rocky", "almalinux", "ol", "amzn", "scientific"]);
const DEBIAN = new Set(["debian", "ubuntu", "raspbian", "kali", "linuxmint", "pop", "devuan"]);

/** Linux refuses a single argument longer than MAX_ARG_STRLEN (128 KiB); sshd passes the line as one. */
export const LINUX_ARG_LIMIT = 131_072 - 1024;

export function linuxFamily(id: string, idLike: string): string {
  for (const word of [id, ...idLike.split(/\s+/)].filter(Boolean)) {
    if (REDHAT.has(word)) return "redhat";
    if (DEBIAN.has(word)) return "debian";
    if (word === "suse" || word === "opensuse") return "suse";
  }
  return id || "linux";
}

/** Distribution and version from release files when os-release is missing. */
function fromReleaseFiles(files: Record<string, string>): { id: string; version: string } | undefined {
  const redhat = files["/etc/redhat-release"] ?? files["/etc/system-release"];
  if (redhat) {
    const first = (redhat.split(/\s+/)[0] ?? "").toLowerCase();
    const id = first === "red" ? "rhel" : first;
    return { id, version: /release\s+([\d.]+)/i.exec(redhat)?.[1] ?? "" };
  }
  const debian = files["/etc/debian_version"];
  if (debian) return { id: "debian", version: debian.trim() };
  const alpine = files["/etc/alpine-release"];
  if (alpine) return { id: "alpine", version: alpine.trim() };
  return undefined;
}

function containerRuntime(facts: PosixFacts, context: DetectionContext): string | undefined {
  if (facts.containerMarkers[0]) return facts.containerMarkers[0];
  const cgroup = facts.cgroup ?? "";
  for (const [pattern, name] of [
    [/docker/, "docker"],
    [/libpod/, "podman"],
    [/kubepods/, "kubernetes"],
    [/lxc/, "lxc"],
    [/containerd/, "containerd"],
  ] as const) {
    if (pattern.test(cgroup)) return name;
  }
  return context.transport === "docker" ? "docker" : undefined;
}

export function detectLinux(facts: ProbeFacts, context: DetectionContext): DetectedOs | undefined {
  if (facts.kind !== "posix") return undefined;
  const isLinux = /^Linux\b/.test(facts.uname) || (!facts.uname && Object.keys(facts.osRelease).length > 0);
  if (!isLinux) return undefined;
  const release = fromReleaseFiles(facts.releaseFiles);
  const id = (facts.osRelease.ID ?? release?.id ?? "linux").toLowerCase();
  const runtime = containerRuntime(facts, context);
  const details: Record<string, string> = { kernel: facts.uname, pid1: facts.pid1 };
  if (facts.osRelease.PRETTY_NAME) details.prettyName = facts.osRelease.PRETTY_NAME;
  if (facts.osRelease.PLATFORM_ID) details.platformId = facts.osRelease.PLATFORM_ID;
  return {
    family: linuxFamily(id, facts.osRelease.ID_LIKE ?? ""),
    distribution: id,
    version: facts.osRelease.VERSION_ID ?? release?.version ?? "",
    container: runtime !== undefined,
    ...(runtime ? { containerRuntime: runtime } : {}),
    tools: [...facts.tools],
    details,
  };
}

function checkLength(line: string): string {
  if (line.length > LINUX_ARG_LIMIT) {
    throw new PodError(
      "INVALID_INPUT",
      `The command line is ${line.length} characters; Linux takes ${LINUX_ARG_LIMIT}.`,
      {
        fix: "Upload the script with putFile and run the file.",
      },
    );
  }
  return line;
}

export function linuxScript(script: string, shell: ShellName): string {
  switch (shell) {
    case "sh":
    case "bash":
      return checkLength(posixShellScript(shell, script));
    case "powershell":
      return psCommandLine(script, "pwsh", LINUX_ARG_LIMIT);
    case "cmd":
      throw new PodError("UNSUPPORTED", "cmd.exe scripts cannot run on a Linux guest.", {
        fix: "Use shell 'sh' or 'bash'.",
      });
  }
}

export const linuxHandler: OsHandler = {
  dialect: "posix",
  detect: detectLinux,
  commandLine: (argv) => checkLength(posixArgv(argv)),
  script: linuxScript,
};
