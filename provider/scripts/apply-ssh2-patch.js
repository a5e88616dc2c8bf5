#!/usr/bin/env node
/**
 * Applies patches/ssh2+1.17.0.patch (OpenSSH host certificates in ssh2's key
 * exchange) to the ssh2 that @pod-lab/provider resolves. Runs as the
 * provider's postinstall, so the repo's `npm ci`, the esbuild plugin bundle
 * (built from the patched node_modules) and a user's `npm install` of the
 * packed tarball all get it. Hand-written rather than patch-package, which
 * patches the root project's node_modules and is meant to run from an app,
 * not from an installed library's own install script.
 *
 * Safe by construction: only ssh2 1.17.0 is touched; the hunks must match in
 * order as patch(1) would (or the file be patched already: running twice is a
 * no-op); all files are checked before any is written. Another ssh2 version,
 * or ssh2 not found, leaves things as they are: pod then simply does not offer
 * certificate host key algorithms (plain host keys work either way).
 */
const { readFileSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const VERSION = "1.17.0";
const PATCH = join(__dirname, "..", "patches", `ssh2+${VERSION}.patch`);

/** [{ file, hunks: [{ before, after }] }] from a unified diff. */
function parsePatch(text) {
  const files = [];
  let hunk;
  for (const line of text.split("\n")) {
    if (line.startsWith("--- ")) continue;
    if (line.startsWith("+++ ")) {
      files.push({ file: line.slice(4).replace(/^b\//, "").trim(), hunks: [] });
      hunk = undefined;
    } else if (line.startsWith("@@")) {
      hunk = { before: [], after: [] };
      files[files.length - 1].hunks.push(hunk);
    } else if (hunk && (line.startsWith(" ") || line === "")) {
      hunk.before.push(line.slice(1));
      hunk.after.push(line.slice(1));
    } else if (hunk && line.startsWith("-")) hunk.before.push(line.slice(1));
    else if (hunk && line.startsWith("+")) hunk.after.push(line.slice(1));
  }
  for (const f of files) for (const h of f.hunks) trimTrailingBlank(h);
  return files;
}

// The diff's last line break yields one empty "context" line that is not in the file.
function trimTrailingBlank(h) {
  while (h.before.at(-1) === "" && h.after.at(-1) === "") {
    h.before.pop();
    h.after.pop();
  }
}

/** The hunks applied in order, each found after the previous one (as patch(1) does), or undefined. */
function applyHunks(text, hunks, reverse) {
  let out = "";
  let rest = text;
  for (const { before, after } of hunks) {
    const [from, to] = reverse ? [after.join("\n"), before.join("\n")] : [before.join("\n"), after.join("\n")];
    const at = rest.indexOf(from);
    if (at < 0) return undefined;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
  }
  return out + rest;
}

function main() {
  let root;
  try {
    root = dirname(require.resolve("ssh2/package.json", { paths: [join(__dirname, "..")] }));
  } catch {
    console.warn("pod: ssh2 not found; host certificates stay off.");
    return;
  }
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  if (version !== VERSION) {
    console.warn(`pod: ssh2 ${version} is not ${VERSION}; its host-certificate patch is not applied.`);
    return;
  }
  const writes = [];
  for (const { file, hunks } of parsePatch(readFileSync(PATCH, "utf8"))) {
    const path = join(root, file);
    const text = readFileSync(path, "utf8");
    if (applyHunks(text, hunks, true) !== undefined) continue; // already applied
    const patched = applyHunks(text, hunks, false);
    if (patched === undefined) throw new Error(`pod: ssh2's ${file} does not match ${PATCH}; not patched.`);
    writes.push([path, patched]);
  }
  for (const [path, text] of writes) writeFileSync(path, text);
}

if (require.main === module) main();
else module.exports = { parsePatch, applyHunks, PATCH };
