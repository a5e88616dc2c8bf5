import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLinuxProbe } from "./linux-probe";
import { POSIX_FACTS_COMMAND, POSIX_FACTS_SEPARATOR, splitPosixFacts } from "./posix-facts";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH7j0n8d2v3kq0Jt2Yp1fQ3b9WcVx0rN4sLmP6uT8yZa root@guest";

describe("os/probe/posix-facts", () => {
  it("is valid sh, and holds the probe and the host-key read in that order", () => {
    assert.doesNotThrow(() => execFileSync("/bin/sh", ["-n", "-c", POSIX_FACTS_COMMAND]), "valid sh syntax");
    const at = POSIX_FACTS_COMMAND.indexOf(`echo ${POSIX_FACTS_SEPARATOR}`);
    assert.ok(POSIX_FACTS_COMMAND.startsWith("sh -c '") && at > 0);
    assert.match(POSIX_FACTS_COMMAND.slice(at), /ssh_host_\*_key\.pub/);
  });

  it("splits the output at the separator line: each part parses as when it ran alone", () => {
    const probe = fixture("debian12-docker.txt");
    const split = splitPosixFacts(`${probe}\n${POSIX_FACTS_SEPARATOR}\n${KEY}\n`);
    assert.ok(split);
    assert.deepEqual(parseLinuxProbe(split.probe), parseLinuxProbe(probe));
    assert.equal(split.hostKeys.trim(), KEY);
  });

  it("accepts CRLF line ends, and says undefined when the separator never came", () => {
    assert.deepEqual(splitPosixFacts(`a\r\n${POSIX_FACTS_SEPARATOR}\r\nb`), { probe: "a\r", hostKeys: "b" });
    assert.equal(splitPosixFacts("partial probe output, then the command died"), undefined);
    assert.equal(splitPosixFacts(`x${POSIX_FACTS_SEPARATOR}\n`), undefined, "only a whole line counts");
  });
});
