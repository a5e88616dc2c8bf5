/**
 * The lab's PostgreSQL (lab/steps/64-postgres.sh), read from its side with psql:
 * what Pulumi's DIY backend stored, and which locks it holds.
 */
import { spawnSync } from "node:child_process";

export interface LabPostgres {
  /** postgres://… for PULUMI_BACKEND_URL (lab-only password). */
  backendUrl: string;
  addr: string;
  user: string;
  password: string;
  db: string;
}

export function requirePostgres(): LabPostgres {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value)
      throw new Error(
        `${name} is not set: the lab's PostgreSQL is not up. Run \`bash lab/lab.sh only start_postgres\`.`,
      );
    return value;
  };
  return {
    backendUrl: need("POD_POSTGRES_BACKEND_URL"),
    addr: need("POD_POSTGRES_ADDR"),
    user: need("POD_POSTGRES_USER"),
    password: need("POD_POSTGRES_PASSWORD"),
    db: need("POD_POSTGRES_DB"),
  };
}

/** One query through psql (unaligned, tuples only), failing with psql's stderr. */
export function psql(pg: LabPostgres, sql: string): string {
  const [host = "127.0.0.1", port = "5432"] = pg.addr.split(":");
  const r = spawnSync(
    "psql",
    ["-X", "-tA", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", pg.user, "-d", pg.db, "-c", sql],
    {
      encoding: "utf8",
      env: { ...process.env, PGPASSWORD: pg.password },
      timeout: 30_000,
      // The lab's database keeps every stack the tests and `pod env` made; a whole-table dump passes
      // spawnSync's 1 MiB default, which kills psql (status null) instead of returning the rows.
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`psql exited ${r.status} (${r.error?.message ?? r.signal ?? ""}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Every row Pulumi's backend keeps, as key and decoded document: the DIY
 * backend stores each blob as {"data": <base64>} under "<table>/<path>".
 */
export function dumpState(pg: LabPostgres): string {
  return psql(pg, "select key || ' ' || (data->>'data') from pulumi_state order by key")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [key, data = ""] = line.split(" ");
      return `${key} ${Buffer.from(data, "base64").toString("utf8")}`;
    })
    .join("\n");
}

/** The keys whose path (after the table's prefix) matches a LIKE pattern. */
export function stateKeys(pg: LabPostgres, like: string): string[] {
  return psql(pg, `select key from pulumi_state where key like '%/${like.replace(/'/g, "''")}' order by key`)
    .split("\n")
    .filter(Boolean)
    .map((key) => key.slice(key.indexOf("/") + 1));
}
