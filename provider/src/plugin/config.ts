/**
 * The provider's configuration as Configure receives it. Pulumi's Node
 * provider server (@pulumi/pulumi/provider/server) answers Configure without
 * reading it, so `pod:vsphereHost` never reached a Node provider; here both
 * forms are read: `args` (the provider's inputs, secrets wrapped, from
 * `pod:` config or an explicit `new pod.Provider(...)`) and the older
 * `variables` map ("pod:config:vsphereHost"). The result is the getter the
 * resources' configure already reads ("pod:vsphereHost").
 */
import { reveal } from "./wire";

export interface ConfigSource {
  get(key: string): string | undefined;
}

export function providerConfig(
  args: Record<string, unknown> | undefined,
  variables: Map<string, string>,
): ConfigSource {
  const values = new Map<string, string>();
  for (const [key, value] of variables) values.set(key.replace(/^pod:config:/, "pod:"), value);
  for (const [key, value] of Object.entries((reveal(args ?? {}) as Record<string, unknown>) ?? {})) {
    // Provider inputs arrive typed (vsphereInsecure: true) or as the JSON text of config; config is text.
    if (value === undefined || value === null || key.startsWith("__")) continue;
    values.set(`pod:${key}`, typeof value === "string" ? value : JSON.stringify(value));
  }
  return { get: (key) => values.get(key) };
}
