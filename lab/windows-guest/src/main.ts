import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type * as http from "node:http";
import { hostname } from "node:os";
import { join } from "node:path";
import { loadGssIov } from "../../../provider/src/connections/winrm/kerberos/gss-native";
import {
  tlsServerEndPoint,
  tlsServerEndPointData,
} from "../../../provider/src/connections/winrm/ntlm/channel-bindings";
import { Machine } from "./machine";
import { createListener } from "./server";
import { ShellTable } from "./shells";

/**
 * The lab's Windows Server 2022 guest: WinRM on HTTP (5985) at once, and on
 * HTTPS (5986) as soon as a certificate and key appear in the TLS folder
 * (a real Windows guest also gets its HTTPS listener only once a certificate
 * is enrolled). Configuration comes from the environment, see README.md.
 */
const env = process.env;
const DEFAULT_PASSWORD = "Pod-Win2022-Admin";

function addr(value: string | undefined, fallback: string): { host: string; port: number } | undefined {
  const v = value ?? fallback;
  if (v === "" || v === "off") return undefined;
  const i = v.lastIndexOf(":");
  return { host: v.slice(0, i) || "0.0.0.0", port: Number(v.slice(i + 1)) };
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const name = env.POD_WINDOWS_HOSTNAME || env.VMX_GUESTINFO_POD_HOSTNAME || hostname();
const edition = env.POD_WINDOWS_EDITION === "Standard" ? "Standard" : "Datacenter";
const machine =
  env.POD_WINDOWS_NICS === "synthetic" ? Machine.synthetic(name, edition) : Machine.fromHost(name, edition);
// guestinfo.pod.extra_nics (vcsim passes guestinfo.* as VMX_GUESTINFO_*): NICs the container lacks.
machine.addUnconfiguredAdapters(Number(env.VMX_GUESTINFO_POD_EXTRA_NICS || env.POD_WINDOWS_EXTRA_NICS || 0) || 0);
const password = env.VMX_GUESTINFO_POD_PASSWORD || env.POD_WINDOWS_PASSWORD || DEFAULT_PASSWORD;
const shells = new ShellTable(Number(env.POD_WINRM_MAX_SHELLS ?? 30));
// A domain-joined guest: Kerberos for HTTP/<host> with this keytab (MIT's GSS-API reads KRB5_KTNAME).
const keytab = env.POD_WINRM_KERBEROS_KEYTAB;
if (keytab) {
  env.KRB5_KTNAME = `FILE:${keytab}`;
  log(`Kerberos: accepting with keytab ${keytab}`);
}
const common = { machine, shells, password: () => password, log, ...(keytab ? { kerberos: loadGssIov() } : {}) };
const servers: http.Server[] = [];

function listen(server: http.Server, where: { host: string; port: number }, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(where.port, where.host, () => {
      servers.push(server);
      log(`${label} listening on ${where.host}:${where.port}`);
      resolve();
    });
  });
}

async function startHttps(where: { host: string; port: number }, dir: string): Promise<void> {
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server-key.pem");
  while (!(existsSync(certFile) && existsSync(keyFile))) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 200)); // let a copy finish
  const cert = readFileSync(certFile);
  const der = new X509Certificate(cert).raw;
  const thumbprint = createHash("sha256").update(der).digest("hex").toUpperCase().match(/.{2}/g)?.join(":");
  log(`HTTPS certificate SHA-256 thumbprint ${thumbprint}`);
  const listener = createListener(
    { ...common, tls: true, channelBindings: tlsServerEndPoint(der), kerberosBindings: tlsServerEndPointData(der) },
    { cert, key: readFileSync(keyFile) },
  );
  await listen(listener, where, "WinRM HTTPS");
}

async function main(): Promise<void> {
  const httpAddr = addr(env.POD_WINRM_HTTP, "0.0.0.0:5985");
  const httpsAddr = addr(env.POD_WINRM_HTTPS, "0.0.0.0:5986");
  log(
    `${machine.os.caption} (${machine.os.version}.${machine.os.ubr}) "${machine.hostname}": ${machine.adapters.map((a) => `${a.name} ${a.mac}`).join(", ")}`,
  );
  if (httpAddr) await listen(createListener({ ...common, tls: false }), httpAddr, "WinRM HTTP");
  log(`pod-windows-guest ready${httpAddr ? ` http=${httpAddr.host}:${httpAddr.port}` : ""}`);
  if (httpsAddr) {
    startHttps(httpsAddr, env.POD_WINRM_TLS_DIR ?? "/etc/pod-winrm/tls").catch((error: unknown) => {
      log(`HTTPS listener failed: ${(error as Error).message}`);
      process.exitCode = 1;
    });
  }
}

function stop(): void {
  shells.closeAll();
  for (const s of servers) {
    s.close();
    s.closeAllConnections();
  }
  process.exit(0);
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);
main().catch((error: unknown) => {
  log(`failed to start: ${(error as Error).message}`);
  process.exit(1);
});
