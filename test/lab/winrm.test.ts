import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import { isPodError, type PodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { WinrmConnection, type WinrmConnectionOptions } from "../../provider/src/connections/winrm/connection";
import * as env from "../../provider/src/connections/winrm/envelope";
import { isWsmanFault } from "../../provider/src/connections/winrm/faults";
import { WSMAN_FAULT } from "../../provider/src/connections/winrm/namespaces";
import {
  readCommandId,
  readReceive,
  readShellId,
  type WsmanResponse,
} from "../../provider/src/connections/winrm/response";
import { WinrmTransport } from "../../provider/src/connections/winrm/transport";
import { call } from "../../provider/src/connections/winrm/wsman";
import { requireLab } from "../support/lab-env";
import { closedLoopbackPort } from "../support/ports";
import { hostPort, needEnv } from "../support/windows-lab-env";

/**
 * Issue 4 (WinRM): pod's WS-Man/WinRS client against the lab's Windows
 * Server 2022 guest (host process on loopback and the pod-guest-windows:2022
 * container on its bridge IP), over NTLM with message encryption (5985) and
 * Basic over verified HTTPS (5986); then pywinrm, a client we did not write,
 * against the same endpoints.
 */
function windowsLab() {
  requireLab();
  const containerIp = needEnv("POD_WINDOWS_CONTAINER_IP");
  return {
    http: hostPort(needEnv("POD_WINRM_HTTP")),
    https: hostPort(needEnv("POD_WINRM_HTTPS")),
    container: { http: { host: containerIp, port: 5985 }, https: { host: containerIp, port: 5986 } },
    ca: readFileSync(needEnv("POD_WINRM_CA_FILE")),
    caFile: needEnv("POD_WINRM_CA_FILE"),
    user: needEnv("POD_WINDOWS_USER"),
    password: needEnv("POD_WINDOWS_PASSWORD"),
    py03: needEnv("POD_PYWINRM03_PYTHON"),
    py05: needEnv("POD_PYWINRM_VENV_PYTHON"),
    opensslLegacy: needEnv("POD_OPENSSL_LEGACY_CONF"),
  };
}

describe("lab: WinRM client against the Windows Server 2022 guest", function () {
  this.timeout(120_000);
  const lab = windowsLab();
  const open: WinrmConnection[] = [];
  const connect = (o: Partial<WinrmConnectionOptions> & { host: string }): WinrmConnection => {
    const c = new WinrmConnection({ username: lab.user, password: new Secret(lab.password), ...o });
    open.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  const endpoints = [
    {
      name: "host process, NTLM + encryption over HTTP (explicit)",
      options: { ...lab.http, https: false, auth: "ntlm" as const },
    },
    {
      name: "host process, NTLM over verified HTTPS with channel binding (the default)",
      options: { ...lab.https, tls: { ca: lab.ca } },
    },
    {
      name: "host process, Basic over verified HTTPS",
      options: { ...lab.https, auth: "basic" as const, tls: { ca: lab.ca } },
    },
    {
      name: "container, NTLM + encryption over HTTP (explicit)",
      options: { ...lab.container.http, https: false, auth: "ntlm" as const },
    },
    {
      name: "container, Basic over HTTPS (cert for its IP)",
      options: { ...lab.container.https, auth: "basic" as const, tls: { ca: lab.ca } },
    },
  ];

  for (const endpoint of endpoints) {
    describe(endpoint.name, () => {
      it("runs cmd.exe command lines with their exit codes and stderr, on one reused shell", async () => {
        const c = connect(endpoint.options);
        const ver = await c.exec("ver");
        assert.equal(ver.exitCode, 0);
        assert.match(ver.stdout, /Microsoft Windows \[Version 10\.0\.20348\.\d+\]/);
        assert.equal((await c.exec("exit /b 7")).exitCode, 7);
        const missing = await c.exec("no-such-tool --help");
        assert.equal(missing.exitCode, 1);
        assert.match(missing.stderr, /'no-such-tool' is not recognized as an internal or external command/);
        assert.equal((await c.exec("echo one & echo two")).stdout, "one\r\ntwo\r\n");
        const health = await c.health();
        assert.equal(health.reachable, true);
        assert.equal(health.stats?.shellsOpened, 1, "one shell for all commands");
      });

      it("runs PowerShell: JSON out, exit code, CLIXML stderr decoded to text", async () => {
        const c = connect(endpoint.options);
        const r = await c.execPowerShell(
          "@(Get-NetAdapter | Select-Object Name,InterfaceIndex,MacAddress) | ConvertTo-Json -Compress; Get-NoSuchThing; exit 4",
        );
        assert.equal(r.exitCode, 4);
        const adapters = JSON.parse(r.stdout) as { Name: string; MacAddress: string }[] | { Name: string };
        assert.equal((Array.isArray(adapters) ? adapters[0] : adapters)?.Name, "Ethernet0");
        assert.doesNotMatch(r.stderr, /CLIXML|<Objs/);
        assert.match(r.stderr, /Get-NoSuchThing : The term 'Get-NoSuchThing' is not recognized/);
        const version = await c.execPowerShell(
          "[Environment]::OSVersion.Version.Build; $PSVersionTable.PSVersion.Major",
        );
        assert.deepEqual(version.stdout.trim().split(/\r\n/), ["20348", "5"]);
      });

      it("runs a long script (well past cmd.exe's 8191-character line) through stdin", async () => {
        const c = connect(endpoint.options);
        const script = `$total = 0\n${Array.from({ length: 1200 }, (_, i) => `$total = $total + ${i % 7} # line ${i}`).join("\n")}\nWrite-Output "total=$total é"\nexit 2`;
        assert.ok(script.length > 30_000);
        const r = await c.execPowerShell(script);
        const expected = Array.from({ length: 1200 }, (_, i) => i % 7).reduce((a, b) => a + b, 0);
        assert.equal(r.stdout, `total=${expected} é\r\n`);
        assert.equal(r.exitCode, 2);
      });

      it("gives a command its own environment and working directory", async () => {
        const c = connect(endpoint.options);
        const r = await c.exec("echo %POD_LAB_VAR% & cd", {
          env: { POD_LAB_VAR: "from pod" },
          cwd: "C:\\Windows\\Temp",
        });
        assert.equal(r.stdout, "from pod\r\nC:\\Windows\\Temp\r\n");
        assert.equal((await c.exec("echo %POD_LAB_VAR%")).stdout, "%POD_LAB_VAR%\r\n", "not in the shared shell");
      });

      it("puts and gets a binary file (chunked stdin and output)", async () => {
        const c = connect(endpoint.options);
        const data = Buffer.from(Array.from({ length: 250_000 }, (_, i) => (i * 31) % 256));
        await c.putFile("C:\\Windows\\Temp\\pod-lab.bin", data);
        assert.deepEqual(await c.getFile("C:\\Windows\\Temp\\pod-lab.bin"), data);
        await assert.rejects(c.getFile("C:\\Windows\\Temp\\missing.bin"), (e: unknown) => isPodError(e, "NOT_FOUND"));
      });
    });
  }

  for (const [auth, where, https] of [
    ["ntlm", lab.http, false],
    ["ntlm", lab.https, true],
    ["basic", lab.https, true],
  ] as const) {
    it(`wrong password over ${auth} (${https ? "https" : "http"}) → AUTH_FAILED with a fix, the password in no message`, async () => {
      const wrong = "Wrong-Secret-Pa55";
      const c = connect({ ...where, auth, https, password: new Secret(wrong), tls: { ca: lab.ca } });
      const error = (await c.exec("ver").then(
        () => assert.fail("expected AUTH_FAILED"),
        (e: unknown) => e,
      )) as PodError;
      assert.ok(isPodError(error, "AUTH_FAILED"), String(error));
      assert.match(error.message, /HTTP 401/);
      assert.ok(error.fix);
      const everything = `${error.message} ${error.fix} ${error.describe()} ${JSON.stringify(error.details)} ${error.stack}`;
      for (const secret of [wrong, lab.password]) assert.ok(!everything.includes(secret), "no password in the error");
    });
  }

  it("verifies TLS: a pinned thumbprint works, an unknown CA is TLS_UNTRUSTED, insecure is explicit", async () => {
    const untrusted = connect({ ...lab.https, auth: "basic" });
    const error = (await untrusted.exec("ver").catch((e: unknown) => e)) as PodError;
    assert.ok(isPodError(error, "TLS_UNTRUSTED"), String(error));
    const thumbprint = String(error.details.thumbprint);
    assert.equal((await connect({ ...lab.https, auth: "basic", tls: { thumbprint } }).exec("hostname")).exitCode, 0);
    assert.equal(
      (await connect({ ...lab.https, auth: "basic", tls: { insecure: true } }).exec("hostname")).exitCode,
      0,
    );
  });

  it("maps transport failures: closed port → UNREACHABLE, a non-WinRM HTTPS server → PROTOCOL_ERROR", async () => {
    const closed = connect({ host: "127.0.0.1", port: await closedLoopbackPort(), tls: { ca: lab.ca } });
    await assert.rejects(closed.exec("ver"), (e: unknown) => isPodError(e, "UNREACHABLE"));
    const [host, port] = requireLab().vsphereHost.split(":");
    const vcsim = connect({ host: host ?? "", port: Number(port), auth: "basic", tls: { ca: lab.ca } });
    await assert.rejects(
      vcsim.exec("ver"),
      (e: unknown) => isPodError(e, "PROTOCOL_ERROR") && /HTTP \d{3}/.test(e.message),
    );
  });

  it("defaults to NTLM over HTTPS (TLS instead of sealing, channel bindings sent)", async () => {
    const c = connect({ ...lab.https, tls: { ca: lab.ca } });
    assert.equal(c.target, `${lab.https.host}:${lab.https.port}`);
    assert.equal((await c.exec("whoami")).stdout, "win2022-lab\\administrator\r\n");
    assert.equal((await c.health()).stats?.handshakes, 1);
  });

  it("chooses port 5986 (HTTPS) when no port is given, 5985 only with https: false", () => {
    assert.equal(connect({ host: "192.0.2.7" }).target, "192.0.2.7:5986");
    assert.equal(connect({ host: "192.0.2.7", https: false }).target, "192.0.2.7:5985");
  });

  it("refuses Basic over plain HTTP itself, and the guest refuses it too (AllowUnencrypted=false)", async () => {
    assert.throws(
      () => connect({ ...lab.http, auth: "basic", https: false }),
      (e: unknown) => isPodError(e, "INVALID_INPUT"),
    );
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          ...lab.http,
          method: "POST",
          path: "/wsman",
          headers: {
            Authorization: `Basic ${Buffer.from(`${lab.user}:${lab.password}`).toString("base64")}`,
            "Content-Type": "application/soap+xml;charset=UTF-8",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(env.identify());
    });
    assert.equal(status, 401);
  });

  it("keeps receiving through OperationTimeout faults, and ends overdue commands", async () => {
    const c = connect({ ...lab.http, https: false, operationTimeoutS: 1 });
    const slow = await c.execPowerShell("Start-Sleep -Seconds 3; 'woke up'");
    assert.equal(slow.stdout, "woke up\r\n");
    const overdue = await c.execPowerShell("Start-Sleep -Seconds 30; 'never'", { timeoutMs: 2_000 });
    assert.equal(overdue.timedOut, true);
    assert.equal(overdue.exitCode, null);
    assert.equal((await c.exec("hostname")).stdout, "WIN2022-LAB\r\n", "the shell still works afterwards");
  });

  it("speaks WinRS as Windows does: TimedOut fault 2150858793, Running then Done, shell quota", async () => {
    const transport = new WinrmTransport({
      ...lab.http,
      https: false,
      auth: "ntlm",
      username: lab.user,
      password: new Secret(lab.password),
    });
    const ctx: env.EnvelopeContext = {
      to: `http://${lab.http.host}:${lab.http.port}/wsman`,
      operationTimeoutS: 1,
      maxEnvelopeSize: 153600,
      locale: "en-US",
    };
    const shells: string[] = [];
    try {
      const shellId = readShellId(await call(transport, env.createShell(ctx), "Create shell", 10_000));
      shells.push(shellId);
      const commandId = readCommandId(
        await call(
          transport,
          env.command(ctx, shellId, "powershell -Command \"'first'; Start-Sleep -Seconds 4; 'second'\""),
          "Command",
          10_000,
        ),
      );
      const first = readReceive(
        await call(transport, env.receive(ctx, shellId, commandId), "Receive", 10_000),
        commandId,
      );
      assert.deepEqual([first.stdout.toString(), first.done], ["first\r\n", false], "Running with the output so far");
      await assert.rejects(call(transport, env.receive(ctx, shellId, commandId), "Receive", 10_000), (e: unknown) =>
        isWsmanFault(e, WSMAN_FAULT.operationTimeout),
      );
      let last = readReceive(
        await call(transport, env.receive({ ...ctx, operationTimeoutS: 8 }, shellId, commandId), "Receive", 10_000),
        commandId,
      );
      while (!last.done)
        last = readReceive(await call(transport, env.receive(ctx, shellId, commandId), "Receive", 10_000), commandId);
      assert.deepEqual([last.stdout.toString(), last.exitCode], ["second\r\n", 0]);
      for (;;) {
        const created: WsmanResponse | unknown = await call(
          transport,
          env.createShell(ctx),
          "Create shell",
          10_000,
        ).catch((e: unknown) => e);
        if (!(created instanceof Error)) {
          shells.push(readShellId(created as WsmanResponse));
          assert.ok(shells.length <= 30, "MaxShellsPerUser is 30");
          continue;
        }
        assert.ok(isWsmanFault(created, WSMAN_FAULT.maxShells), String(created));
        break;
      }
      await assert.rejects(
        call(transport, env.receive(ctx, "00000000-0000-0000-0000-000000000000", commandId), "Receive", 10_000),
        (e: unknown) => isWsmanFault(e, WSMAN_FAULT.shellNotFound),
      );
    } finally {
      for (const id of shells)
        await call(transport, env.deleteShell(ctx, id), "Delete shell", 10_000).catch(() => undefined);
      transport.close();
    }
  });
});

/** Runs a pywinrm script; it prints one JSON document. */
function pywinrm(
  python: string,
  script: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ["-c", script, ...args],
      { env: { ...process.env, ...extraEnv }, timeout: 90_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${python} failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

const PYWINRM_SCRIPT = `
import json, sys, base64, winrm
from winrm.exceptions import InvalidCredentialsError, WinRMTransportError
url, auth, user, password, ca = sys.argv[1:6]
kw = dict(transport="ssl", server_cert_validation="validate", ca_trust_path=ca) if auth == "basic" else dict(transport="ntlm", message_encryption="always")
s = winrm.Session(url, auth=(user, password), **kw)
out = {"version": getattr(winrm, "__version__", None)}
r = s.run_cmd("ver"); out["ver"] = [r.status_code, r.std_out.decode()]
r = s.run_cmd("hostname"); out["hostname"] = r.std_out.decode().strip()
r = s.run_cmd("nope-cmd"); out["missing"] = [r.status_code, r.std_err.decode()]
r = s.run_ps("$ProgressPreference = 'SilentlyContinue'; Get-NetIPAddress -AddressFamily IPv4 | Select-Object IPAddress,PrefixLength | ConvertTo-Json -Compress; exit 3")
out["ps"] = [r.status_code, r.std_out.decode()]
enc = base64.b64encode("Get-NoSuchThing".encode("utf_16_le")).decode()
r = s.run_cmd("powershell -NoProfile -EncodedCommand " + enc); out["clixml"] = [r.status_code, r.std_err.decode()]
try:
    winrm.Session(url, auth=(user, password + "x"), **kw).run_cmd("ver"); out["wrong"] = "accepted"
except InvalidCredentialsError as e:
    out["wrong"] = "InvalidCredentialsError"
if auth == "ntlm":
    try:
        winrm.Session(url, auth=(user, password), transport="ntlm", message_encryption="never").run_cmd("ver")
        out["unencrypted"] = "accepted"
    except WinRMTransportError as e:
        out["unencrypted"] = [e.code, e.response_text]
print(json.dumps(out))
`;

describe("lab: pywinrm (a client we did not write) against the Windows guest", function () {
  this.timeout(120_000);
  const lab = windowsLab();
  const clients = [
    {
      name: "pywinrm 0.3.0 (Debian; requests_ntlm 1.1 / ntlm-auth 1.4)",
      python: lab.py03,
      env: { OPENSSL_CONF: lab.opensslLegacy },
    },
    { name: "pywinrm 0.5.0 (venv; requests_ntlm 1.3 / pyspnego)", python: lab.py05, env: {} as Record<string, string> },
  ];
  const targets = [
    {
      name: "NTLM + message encryption, host process",
      url: `http://${lab.http.host}:${lab.http.port}/wsman`,
      auth: "ntlm",
      hostname: "WIN2022-LAB",
    },
    {
      name: "Basic over HTTPS, host process",
      url: `https://${lab.https.host}:${lab.https.port}/wsman`,
      auth: "basic",
      hostname: "WIN2022-LAB",
    },
    {
      name: "NTLM + message encryption, container",
      url: `http://${lab.container.http.host}:5985/wsman`,
      auth: "ntlm",
      hostname: "WIN2022-POD",
    },
    {
      name: "Basic over HTTPS, container",
      url: `https://${lab.container.https.host}:5986/wsman`,
      auth: "basic",
      hostname: "WIN2022-POD",
    },
  ];
  for (const client of clients) {
    for (const target of targets) {
      it(`${client.name}: ${target.name}`, async () => {
        const out = await pywinrm(
          client.python,
          PYWINRM_SCRIPT,
          [target.url, target.auth, lab.user, lab.password, lab.caFile],
          client.env,
        );
        const ver = out.ver as [number, string];
        assert.equal(ver[0], 0);
        assert.match(ver[1], /Microsoft Windows \[Version 10\.0\.20348/);
        assert.equal(out.hostname, target.hostname);
        const missing = out.missing as [number, string];
        assert.equal(missing[0], 1);
        assert.match(missing[1], /is not recognized as an internal or external command/);
        const ps = out.ps as [number, string];
        assert.equal(ps[0], 3);
        const addresses = JSON.parse(ps[1]) as { IPAddress: string }[];
        assert.ok(addresses.some((a) => a.IPAddress === "127.0.0.1"));
        const clixml = out.clixml as [number, string];
        assert.equal(clixml[0], 1);
        assert.match(clixml[1], /^#< CLIXML\r\n<Objs Version="1\.1\.0\.1"/);
        assert.match(clixml[1], /<S S="Error">Get-NoSuchThing : The term 'Get-NoSuchThing' is not recognized/);
        assert.equal(out.wrong, "InvalidCredentialsError");
        // AllowUnencrypted=false: an NTLM-authenticated but unsealed body gets an empty HTTP 500.
        if (target.auth === "ntlm") assert.deepEqual(out.unencrypted, [500, ""]);
      });
    }
  }
});
