/**
 * The guest-side path of a copy, checked before anything is read or sent:
 * absolute, no `.`/`..` segments (no climbing out of where the user said),
 * no control characters, never a root (delete would remove what it copied
 * there, but a root is never what anyone means). POSIX paths for Linux
 * guests, drive paths for Windows ones.
 */
import { PodError } from "../../common/errors";

export type PathStyle = "posix" | "windows";

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/** What is wrong with the path, or undefined; knows nothing of the guest yet. */
export function remotePathProblem(path: string): string | undefined {
  if (!path) return "is empty";
  if (/[\0\r\n]/.test(path)) return "contains a NUL or line break";
  const style = pathStyle(path);
  if (!style) return `"${path}" is relative: give an absolute path ("/opt/app/config.yml" or "C:\\app\\config.yml")`;
  const segments = path.split(style === "windows" ? /[\\/]/ : "/");
  if (segments.some((s) => s === ".." || s === ".")) {
    return `"${path}" has a "." or ".." segment: give the path without them`;
  }
  if (segments.slice(1).every((s) => s === "")) return `"${path}" is a root folder: name a file or folder inside it`;
  return undefined;
}

export function pathStyle(path: string): PathStyle | undefined {
  if (path.startsWith("/")) return "posix";
  if (WINDOWS_ABSOLUTE.test(path)) return "windows";
  return undefined;
}

/** The typed error for a bad remote path (nothing has been read or sent). */
export function checkRemotePath(path: string, input = "remotePath"): void {
  const problem = remotePathProblem(path);
  if (problem) {
    throw new PodError("INVALID_INPUT", `${input} ${problem}.`, {
      fix: `Give ${input} as an absolute path in the guest without "." or ".." segments, e.g. /opt/app/app.conf.`,
      details: { path },
    });
  }
}

/** The path refused when it does not suit the guest's OS (a POSIX path for Windows, or the reverse). */
export function checkPathForGuest(path: string, windows: boolean, input = "remotePath"): void {
  checkRemotePath(path, input);
  const style = pathStyle(path);
  if ((style === "windows") !== windows) {
    throw new PodError(
      "INVALID_INPUT",
      `${input} "${path}" is a ${style} path, but the guest runs ${windows ? "Windows" : "Linux"}.`,
      {
        fix: windows ? 'Give a drive path, e.g. "C:\\app\\app.conf".' : 'Give a POSIX path, e.g. "/opt/app/app.conf".',
        details: { path },
      },
    );
  }
}

/** `base` joined with a relative, "/"-separated path in the guest's style; "" is `base` itself. */
export function joinRemote(base: string, relative: string, style: PathStyle): string {
  if (!relative) return base;
  const sep = style === "windows" ? "\\" : "/";
  return `${base.replace(/[\\/]+$/, "")}${sep}${relative.split("/").join(sep)}`;
}

/** The folder a remote path lies in. */
export function remoteDirname(path: string, style: PathStyle): string {
  const i = Math.max(path.lastIndexOf("/"), style === "windows" ? path.lastIndexOf("\\") : -1);
  if (i <= 0) return style === "windows" ? path.slice(0, 3) : "/";
  return style === "windows" && i === 2 ? path.slice(0, 3) : path.slice(0, i);
}
