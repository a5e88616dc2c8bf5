/**
 * A dynamic provider instance that loads its implementation on first use.
 *
 * The Pulumi language host `require`s each instance module only so that it
 * can serialize `__provider` as a require of it; it never calls a method.
 * Loading the implementation there pulled the whole engine (vim25, ssh2,
 * WinRM, Docker, metrics: ~200 modules and tens of MB) into every program
 * that declares a pod resource. The dynamic-provider process loads it at
 * its first call (configure, which Pulumi makes before any other), so it
 * sees the same methods, in the same order, with the same results.
 */
import type * as pulumi from "@pulumi/pulumi";

type Provider = pulumi.dynamic.ResourceProvider;
export type ProviderMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

/**
 * The façade has exactly the `methods` given (the implementation's own, which
 * a unit test checks): Pulumi treats a missing `read` or `check` differently
 * from one that is there.
 */
export function lazyProvider(load: () => Provider, methods: readonly ProviderMethod[]): Provider {
  let loaded: Provider | undefined;
  const implementation = (): Provider => {
    loaded ??= load();
    return loaded;
  };
  const facade: Record<string, unknown> = {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      await implementation().configure?.(req);
    },
  };
  for (const method of methods) {
    facade[method] = (...args: unknown[]) => {
      const provider = implementation();
      return (provider[method] as (...a: unknown[]) => unknown).apply(provider, args);
    };
  }
  return facade as unknown as Provider;
}
