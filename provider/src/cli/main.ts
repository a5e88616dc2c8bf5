#!/usr/bin/env node
/**
 * `pod`: the engine for lab engineers, from a shell. Credentials come from the
 * documented sources (flags, POD_* environment, ssh-agent, ~/.ssh keys); no
 * password is ever taken as a flag (it would show in `ps`).
 * Exit codes: 0 all good; 1 a command failed or a check is unhealthy; 2 an
 * error (its code and fix are printed).
 */
import "./compile-cache"; // before every other module, so that they load from the cache
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import type { ClientNetworkDeclaration } from "../client/network";
import { PodClient, type PodClientOptions } from "../client/pod-client";
import { PodError } from "../common/errors";
import { type HostKeyPolicy, parseHostKeyPolicy } from "../connections/ssh";
import { registerEnvCommands } from "./env/commands";
import { ProgressBar, printError, sanitize, table } from "./output";
import { type SecretFlags, secretInputs } from "./secret-args";

const collect = (value: string, previous: string[]) => [...previous, value];

interface GlobalFlags {
  json?: boolean;
  user?: string;
  key?: string;
  hostKeyPolicy?: HostKeyPolicy;
  knownHosts?: string;
  auditLog?: string;
  insecure?: boolean;
}

const program = new Command("pod")
  .description("pod: vSphere test-lab engine (VMs, guests, commands, networks)")
  .option("--json", "machine-readable output on stdout")
  .option("-u, --user <name>", "guest user for SSH targets (default $POD_GUEST_USER)")
  .option("-i, --key <file>", "SSH private key file (refused when group/others can read it)")
  .option(
    "--host-key-policy <policy>",
    "strict | accept-new | insecure, for SSH targets without pinned keys (default $POD_HOST_KEY_POLICY, else strict)",
    (value: string) => parseHostKeyPolicy(value, "--host-key-policy"),
  )
  .option("--known-hosts <file>", "the known_hosts file (default: pod's own, ~/.config/pod/known_hosts)")
  .option("--audit-log <file>", "append JSON audit records to this file")
  .showHelpAfterError();

function client(): PodClient {
  const f = program.opts<GlobalFlags>();
  const options: PodClientOptions = {
    actor: `cli:${process.env.USER ?? "unknown"}`,
    guest: { ...(f.user ? { username: f.user } : {}), ...(f.key ? { privateKeyPath: f.key } : {}) },
    ...(f.hostKeyPolicy ? { hostKeyPolicy: f.hostKeyPolicy } : {}),
    ...(f.knownHosts ? { knownHostsFile: f.knownHosts } : {}),
    ...(f.auditLog ? { audit: f.auditLog } : {}),
  };
  return new PodClient(options);
}

/** Runs an action with a client, closes it, and sets the exit code (never process.exit: output must flush). */
function action<A extends unknown[]>(fn: (c: PodClient, json: boolean, ...args: A) => Promise<number>) {
  return async (...args: A) => {
    const json = program.opts<GlobalFlags>().json ?? false;
    const c = client();
    try {
      process.exitCode = await fn(c, json, ...args);
    } catch (error) {
      process.exitCode = printError(error, json);
    } finally {
      await c.close();
    }
  };
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const truncatedNote = (t: { stdout: number; stderr: number }) =>
  `${t.stdout} bytes of stdout and ${t.stderr} bytes of stderr dropped; raise --max-output`;

program
  .command("health")
  .description("vSphere reachability and session, guest pools, known VMs")
  .action(
    action(async (c, json) => {
      const report = await c.healthCheck();
      if (json) out(JSON.stringify(report, null, 2));
      else {
        const v = report.vsphere;
        out(
          `vSphere  ${v.configured ? `${v.host ?? "?"} ${v.reachable ? "reachable" : "UNREACHABLE"} (session ${v.session}${v.apiVersion ? `, API ${v.apiVersion}` : ""}${v.latencyMs !== undefined ? `, ${v.latencyMs} ms` : ""})` : "not configured (POD_VSPHERE_HOST)"}`,
        );
        if (v.error) out(sanitize(`  [${v.error.code}] ${v.error.message}`));
        out(report.ok ? "healthy" : "UNHEALTHY");
      }
      return report.ok ? 0 : 1;
    }),
  );

program
  .command("vm")
  .description("virtual machines")
  .command("ls")
  .description("list VMs (not templates) with power state, IP and OS as vSphere reports it")
  .action(
    action(async (c, json) => {
      const vms = await c.listVms();
      if (json) out(JSON.stringify(vms, null, 2));
      else
        out(
          table(
            ["NAME", "POWER", "IP", "CPU", "MEM(MB)", "OS"],
            vms.map((v) => [v.name, v.powerState, v.ipAddress, v.numCpus, v.memoryMb, v.os.type]),
          ),
        );
      return 0;
    }),
  );

program
  .command("detect <target>")
  .description('detect the OS of a VM ("vm:<name>" or a VM name) or a guest ("docker:<c>", "[user@]host[:port]")')
  .action(
    action(async (c, json, target: string) => {
      const isGuest = target.startsWith("docker:") || /[.:@]/.test(target);
      const os =
        target.startsWith("vm:") || !isGuest
          ? (await c.getVm(target.replace(/^vm:/, ""))).os
          : await c.detectOs(target);
      if (json) out(JSON.stringify(os, null, 2));
      else
        out(
          table(
            ["TYPE", "FAMILY", "DISTRIBUTION", "VERSION", "CONTAINER"],
            [[os.type, os.family, os.distribution, os.version, String(os.container)]],
          ),
        );
      return os.type === "unknown" ? 1 : 0;
    }),
  );

program
  .command("exec <targets...>")
  .description("run a command on targets: pod exec docker:web 10.0.0.5 vm:db -- uname -a")
  .option("-c, --concurrency <n>", "targets at once", "8")
  .option("-t, --timeout <ms>", "per command")
  .option("--max-output <bytes>", "stdout and stderr bytes kept per command and stream (default 16 MiB)")
  .option("--secret-env <name>", "pass $name to the command's environment as a secret (repeatable)", collect, [])
  .option("--secret-stdin <name>", "send $name as the command's stdin, as a secret")
  .addHelpText("after", "\nAn argv word {secret:NAME} is replaced by $NAME; secrets show as *** in results and audit.")
  .action(
    action(
      async (
        c,
        json,
        targets: string[],
        opts: { concurrency: string; timeout?: string; maxOutput?: string } & SecretFlags,
      ) => {
        const dash = process.argv.indexOf("--");
        const argv = dash >= 0 ? process.argv.slice(dash + 1) : [];
        const hosts = dash >= 0 ? targets.filter((t) => !argv.includes(t)) : targets;
        if (!argv.length || !hosts.length) {
          throw new PodError("INVALID_INPUT", "pod exec needs targets and a command.", {
            fix: "Run `pod exec <target…> -- <command…>`, e.g. `pod exec docker:web 10.0.0.5 -- uname -a`.",
          });
        }
        const secrets = secretInputs(argv, opts);
        // One plain word: a script for the guest's shell.
        const command =
          argv.length === 1 && typeof secrets.command[0] === "string" ? secrets.command[0] : secrets.command;
        const bar = json ? undefined : new ProgressBar(hosts.length);
        const entries = await c.batchExecute({
          targets: hosts,
          commands: [command],
          concurrency: Number(opts.concurrency),
          options: {
            ...(opts.timeout ? { timeoutMs: Number(opts.timeout) } : {}),
            ...(opts.maxOutput ? { maxOutputBytes: Number(opts.maxOutput) } : {}),
            ...(secrets.env ? { env: secrets.env } : {}),
            ...(secrets.stdin ? { stdin: secrets.stdin } : {}),
          },
          onTargetDone: (t) => bar?.tick(t),
        });
        const failed = entries.filter((e) => !e.ok || !e.result.success).length;
        const errors = entries.filter((e) => !e.ok).length;
        if (json)
          out(
            JSON.stringify(
              { results: entries, summary: { total: entries.length, ok: entries.length - failed, failed } },
              null,
              2,
            ),
          );
        else if (entries.length === 1 && entries[0]?.ok) {
          const r = entries[0].result;
          if (r.stdout) out(sanitize(r.stdout));
          if (r.stderr) process.stderr.write(`${sanitize(r.stderr)}\n`);
          if (r.truncated) process.stderr.write(`(output truncated: ${truncatedNote(r.truncated)})\n`);
        } else {
          out(
            table(
              ["TARGET", "EXIT", "TIME(ms)", "OUTPUT / ERROR"],
              entries.map((e) =>
                e.ok
                  ? [
                      e.target,
                      e.result.timedOut ? "timeout" : (e.result.exitCode ?? "?"),
                      e.result.durationMs,
                      (e.result.stdout || e.result.stderr).split("\n")[0],
                    ]
                  : [e.target, e.error.code, "", `${e.error.message}${e.error.fix ? ` (fix: ${e.error.fix})` : ""}`],
              ),
            ),
          );
          out(`\n${entries.length - failed}/${entries.length} succeeded`);
        }
        if (entries.length === 1 && entries[0]?.ok) return entries[0].result.exitCode ?? 1;
        return errors ? 2 : failed ? 1 : 0;
      },
    ),
  );

const net = program.command("net").description("guest networks");

net
  .command("show <target>")
  .description("interfaces, addresses, routes and DNS as the guest reports them")
  .action(
    action(async (c, json, target: string) => {
      const { state } = await c.readNetwork(target);
      if (json) out(JSON.stringify(state, null, 2));
      else {
        const rows = state.interfaces.map((i) => [
          i.name,
          i.mac,
          i.up ? "up" : "down",
          i.mtu,
          i.addresses.map((a) => `${a.address}/${a.prefix}`).join(" "),
        ]);
        out(table(["IFACE", "MAC", "STATE", "MTU", "ADDRESSES"], rows));
      }
      return 0;
    }),
  );

/** A declaration file: JSON, either the interfaces array or { vm, nic, portGroup, target, interfaces, … }. */
async function readDeclaration(file: string): Promise<ClientNetworkDeclaration> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new PodError("INVALID_INPUT", `Cannot read the declaration ${file}: ${(error as Error).message}.`, {
      fix: 'Give a JSON file: an interfaces array, or { "vm", "nic", "portGroup", "interfaces", … } as PodNetwork takes them.',
    });
  }
  return Array.isArray(parsed) ? { interfaces: parsed } : (parsed as ClientNetworkDeclaration);
}

net
  .command("diff <target>")
  .description("what applying the declared interfaces would change on the guest (read-only); exit 1 when it differs")
  .requiredOption("-f, --file <json>", "the interfaces (an array, or a declaration with interfaces)")
  .action(
    action(async (c, json, target: string, opts: { file: string }) => {
      const { interfaces } = await readDeclaration(opts.file);
      const diff = await c.diffNetwork(target, interfaces);
      if (json) out(JSON.stringify(diff, null, 2));
      else if (!diff.drift.length) out("converged: nothing to change");
      else {
        for (const line of diff.drift) out(`~ ${line}`);
        out(`${diff.changes.length} change(s) would be applied`);
      }
      return diff.drift.length ? 1 : 0;
    }),
  );

net
  .command("apply [target]")
  .description("apply a network declaration: port group + NIC (vm, nic, portGroup) and/or guest interfaces")
  .requiredOption("-f, --file <json>", "the declaration, as PodNetwork takes it (interfaces alone: an array)")
  .action(
    action(async (c, json, target: string | undefined, opts: { file: string }) => {
      const declaration = await readDeclaration(opts.file);
      const record = await c.applyNetwork({ ...declaration, ...(target ? { target } : {}) });
      if (json) out(JSON.stringify(record, null, 2));
      else {
        if (record.portGroupName)
          out(`port group ${record.portGroupName}${record.portGroupCreated ? " (created)" : ""}`);
        if (record.nicMac) out(`NIC ${record.nicMac}: ${record.nicPreviousNetwork} -> ${record.portGroupName}`);
        const rows = record.applied.map((i) => [i.name, i.mac, i.vlanId, i.addresses.join(" "), i.gateway, i.mtu]);
        if (rows.length) out(table(["IFACE", "MAC", "VLAN", "ADDRESSES", "GATEWAY", "MTU"], rows));
        if (record.persistence !== "none") out(`persisted with ${record.persistence}`);
      }
      return 0;
    }),
  );

registerEnvCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.exitCode = printError(error, program.opts<GlobalFlags>().json ?? false);
});
