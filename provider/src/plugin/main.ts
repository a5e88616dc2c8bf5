#!/usr/bin/env node
/**
 * pulumi-resource-pod: the Pulumi engine starts this process, reads the port
 * it prints, and speaks the provider protocol to it. The schema it serves is
 * the package's schema.json, shipped beside this file.
 */
import { readFileSync } from "node:fs";
import { flushCompileCache } from "node:module";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { engineLog } from "./engine-log";
import { PodPlugin } from "./plugin";
import { providerService, ResourceProviderService } from "./server";

/** The engine's address: the first argument that is not a logging flag (--logtostderr, -v=9, --tracing <x>). */
export function engineAddress(args: string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--tracing") i++;
    else if (arg !== "--logtostderr" && !arg.startsWith("-v=")) rest.push(arg);
  }
  return rest[0];
}

async function main(): Promise<void> {
  const schema = readFileSync(process.env.POD_PLUGIN_SCHEMA ?? join(__dirname, "schema.json"), "utf8");
  const { version } = JSON.parse(schema) as { version: string };
  const plugin = new PodPlugin(engineLog(engineAddress(process.argv.slice(2))));
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, providerService(plugin, schema, version));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  // The engine reads this line to connect; the server keeps the process alive.
  process.stdout.write(`${port}\n`);
  // The engine ends plugins with a signal, so Node never writes its compile cache at exit: write it now.
  flushCompileCache?.();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`pulumi-resource-pod: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
