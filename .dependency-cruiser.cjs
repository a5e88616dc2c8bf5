/**
 * pod's layers, checked by dependency-cruiser in `make lint` (docs/architecture.md has the table).
 *
 * One way down:
 *   front-ends   resources/, cli/, client/        (cli may use client; client and resources never meet)
 *   plugin/      the provider plugin over resources/ (the gRPC face of the same CRUD)
 *   execution/                                     (the engine: executor, batch, OS detection, network apply)
 *   credentials/                                   (the credential chain, used by front-ends and execution)
 *   connections/, os/, network/                    (os/ and network/ are pure; network/ may use os/)
 *   vsphere/, infra/                               (infra/ is the provider-neutral VM interface vsphere/ implements)
 *   observability/                                 (tracing, metrics, audit sinks: leaves over common/)
 *   common/
 *
 * Each rule below names the one thing a folder must not reach, so a violation says which
 * promise it breaks. Unit tests (*.test.ts) sit beside the code and may reach anything.
 */
const SRC = "^provider/src/";
const layer = (names) => `^provider/src/(${names.join("|")})/`;

/** Everything a layer may not import: the layers above it and its unrelated siblings. */
function forbidUp(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: layer(from), pathNot: "\\.test\\.ts$" },
    to: { path: SRC, pathNot: [layer([...from, ...allowed])] },
  };
}

// Node's I/O modules and the libraries that open sockets or files.
const NODE_IO = [
  "fs",
  "fs/promises",
  "net",
  "tls",
  "http",
  "https",
  "http2",
  "dgram",
  "dns",
  "child_process",
  "worker_threads",
  "cluster",
];
const nodeIo = `^(node:)?(${NODE_IO.join("|")})$`;
// Core modules resolve to their own name ("net", "node:net"); npm packages to their file under node_modules/.
const SOCKETS = "^((node:)?(net|tls|http|https|http2|dgram)$|node_modules/(ssh2|dockerode|docker-modem)/)";
// Besides connections/ and vsphere/, two modules may touch socket APIs, and neither dials a guest or
// vCenter by itself: common/tls.ts is the certificate-checking HTTPS agent that connections/winrm and
// vsphere/soap share (it sits below both so neither imports the other), and
// observability/metrics-server.ts listens on a local port for Prometheus scrapes.
const SOCKET_OWNERS = [
  layer(["connections", "vsphere"]),
  "^provider/src/common/tls\\.ts$",
  "^provider/src/observability/metrics-server\\.ts$",
];
// The modules a package user or the Pulumi engine loads first; every other module must be reached from one.
const ENTRIES = "^(provider/src/(index|cli/main|plugin/main|resources/[^/]+/instance)|sdk/src/index)\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Import cycles hide which layer owns what; move the shared type down to the layer that owns it.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-circular-folders",
      comment:
        "No cycle between folders either (connections/ → observability/ → execution/ → … → connections/ " +
        "was one): a folder is a layer or a part of one, and layers point one way.",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
    forbidUp(
      "common-is-the-floor",
      ["common"],
      [],
      "common/ (errors, secrets, retry, TLS options) imports nothing of pod's.",
    ),
    forbidUp(
      "observability-is-a-leaf",
      ["observability"],
      ["common"],
      "observability/ (tracing, metrics, audit sinks) imports only common/: the layers above hand it their records; " +
        "it declares the shapes it reads (AuditRecord, PoolEvent, SoapCallSample).",
    ),
    forbidUp(
      "vsphere-below-guests",
      ["vsphere", "infra"],
      ["observability", "common"],
      "vsphere/ knows nothing of guests, commands or Pulumi.",
    ),
    forbidUp(
      "os-is-pure",
      ["os"],
      ["common"],
      "os/ builds command strings per OS; the connection interface it needs is os/'s own (os/types.ts).",
    ),
    forbidUp(
      "network-is-pure",
      ["network"],
      ["os", "common"],
      "network/ plans and renders guest network configuration; execution/network applies it.",
    ),
    forbidUp(
      "connections-below-execution",
      ["connections"],
      ["os", "vsphere", "observability", "common"],
      "connections/ run what they are given; they never reach the executor, network planning or credentials.",
    ),
    forbidUp(
      "credentials-below-execution",
      ["credentials"],
      ["connections", "vsphere", "observability", "common"],
      "The credential chain resolves secrets for execution/ and the front-ends; it runs nothing.",
    ),
    forbidUp(
      "execution-below-front-ends",
      ["execution"],
      ["credentials", "connections", "os", "network", "vsphere", "infra", "observability", "common"],
      "execution/ is the engine; front-ends call it, never the reverse.",
    ),
    forbidUp(
      "client-not-resources",
      ["client"],
      ["execution", "credentials", "connections", "os", "network", "vsphere", "infra", "observability", "common"],
      "PodClient and the Pulumi resources are siblings over one engine: what both need lives in execution/ or below.",
    ),
    forbidUp(
      "resources-not-client",
      ["resources"],
      ["execution", "credentials", "connections", "os", "network", "vsphere", "infra", "observability", "common"],
      "The Pulumi resources and PodClient are siblings over one engine: what both need lives in execution/ or below.",
    ),
    forbidUp(
      "cli-over-client",
      ["cli"],
      [
        "client",
        "execution",
        "credentials",
        "connections",
        "os",
        "network",
        "vsphere",
        "infra",
        "observability",
        "common",
      ],
      "The CLI is a front-end over PodClient and the engine, never over the Pulumi resources.",
    ),
    forbidUp(
      "plugin-over-resources",
      ["plugin"],
      [
        "resources",
        "execution",
        "credentials",
        "connections",
        "os",
        "network",
        "vsphere",
        "infra",
        "observability",
        "common",
      ],
      "The provider plugin (pulumi-resource-pod) is the gRPC face of the Pulumi resources: it calls their CRUD and " +
        "diffs so both protocols behave alike; it never reaches PodClient or the CLI, and nothing imports it.",
    ),
    {
      name: "pure-layers-do-no-io",
      comment:
        "os/ and network/ only build strings (unit-tested with string assertions); a connection runs them. " +
        "No file, socket, process or guest library here.",
      severity: "error",
      from: { path: layer(["os", "network"]), pathNot: "\\.test\\.ts$" },
      to: { dependencyTypesNot: ["type-only"], path: [nodeIo, SOCKETS] },
    },
    {
      name: "sockets-only-in-connections-and-vsphere",
      comment:
        "Only connections/ (SSH, WinRM, Docker, guest ops) and vsphere/ (SOAP over HTTPS) open sockets; " +
        "common/tls.ts (their shared HTTPS agent) and observability/metrics-server.ts (the /metrics listener) " +
        "are the two named exceptions. Type-only imports open nothing and are allowed.",
      severity: "error",
      from: { path: SRC, pathNot: [...SOCKET_OWNERS, "\\.test\\.ts$"] },
      to: { dependencyTypesNot: ["type-only"], path: SOCKETS },
    },
    {
      name: "sdk-through-public-entry",
      comment:
        "The SDK reaches the provider through its public entries only: the index (@pod-lab/provider) and the " +
        "dynamic providers' modules the exports map pins (resources/*/instance.ts), so that what the SDK " +
        "serializes is what an installed package resolves.",
      severity: "error",
      from: { path: "^sdk/src/" },
      to: { path: SRC, pathNot: ENTRIES },
    },
    {
      name: "no-orphans",
      comment: "A module nothing imports is dead code (or a barrel nobody uses): remove it or import it.",
      severity: "error",
      from: {
        orphan: true,
        pathNot: ["\\.test\\.ts$", "\\.d\\.ts$", "^provider/src/(index|cli/main|plugin/main)\\.ts$"],
      },
      to: {},
    },
    {
      name: "no-unreachable-modules",
      comment:
        "Every module is reached from an entry point (the package's index, the pod CLI, the SDK's index); " +
        "one only tests reach is dead code, and a barrel (index.ts) nothing imports is an unused barrel.",
      severity: "error",
      from: { path: ENTRIES },
      to: { path: SRC, pathNot: [ENTRIES, "\\.test\\.ts$", "\\.d\\.ts$"], reachable: false },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import dependency-cruiser cannot resolve is a typo or a package missing from package.json.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // `make layers` runs with --ignore-known .dependency-cruiser-known-violations.json: violations in folders
    // other branches are rewriting, to be emptied when those land. A fixed violation left in it fails too.
    baseline: { staleEntriesSeverity: "error" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["\\.test\\.ts$", "(^|/)dist/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["main", "types", "typings"],
    },
    // `make layers-graph`: one box per layer folder, coloured by kind, drawn top (front-ends) to bottom
    // (common/); red edges are violations still in the baseline.
    reporterOptions: {
      dot: {
        collapsePattern: "^(provider/src/[^/.]+|sdk/src)",
        filters: { includeOnly: { path: "^(provider|sdk)/src/" } },
        theme: {
          graph: { rankdir: "TB", splines: "true", ranksep: "0.5", nodesep: "0.3", fontsize: "11" },
          node: { fontsize: "11", height: "0.3" },
          modules: [
            {
              criteria: { source: "^(sdk/src|provider/src/(resources|cli|client|index))" },
              attributes: { fillcolor: "#cfe2ff" },
            },
            { criteria: { source: "^provider/src/(execution|credentials)" }, attributes: { fillcolor: "#e2d9f3" } },
            { criteria: { source: "^provider/src/(connections|vsphere)" }, attributes: { fillcolor: "#ffe0b3" } },
            { criteria: { source: "^provider/src/(os|network)" }, attributes: { fillcolor: "#d4f0d4" } },
            {
              criteria: { source: "^provider/src/(observability|infra|common)" },
              attributes: { fillcolor: "#eeeeee" },
            },
          ],
        },
      },
    },
  },
};
