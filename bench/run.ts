/**
 * `make bench`: every benchmark, one table. Speed targets live here, never
 * in tests. Each section brings up what it needs and tears it down.
 */
import { benchGuestCommands } from "./guest-commands";
import { benchPulumiFleet } from "./pulumi-fleet";
import { type BenchRow, printTable } from "./table";
import { benchVsphereProperties } from "./vsphere-properties";

const sections: [string, () => Promise<BenchRow[]>][] = [
  ["vSphere property reads", benchVsphereProperties],
  ["guest commands", benchGuestCommands],
  ["pulumi fleet", benchPulumiFleet],
];

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  for (const [name, run] of sections) {
    process.stderr.write(`bench: ${name}…\n`);
    rows.push(...(await run()));
  }
  printTable(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
