/**
 * Pulumi's Node SDK records `new Error().stack` on every property promise a
 * resource registers (runtime/debuggable.ts), only to print it if the promise
 * leaks. Under ts-node, which Pulumi uses for TypeScript programs, each such
 * stack goes through source-map-support's prepareStackTrace, about 0.5 ms a
 * property. A PodVm has ~40 properties and a PodCommand ~20: at 50 guests
 * those stacks were most of the time `pulumi up` spent in the program beyond
 * what trivial resources cost (measured in `make bench`'s no-op rows).
 *
 * Turning V8's stack capture off while the resource registers its properties
 * leaves everything else as it was: Pulumi takes a resource's source position
 * with its own unlimited stack trace limit, and a leaked promise is still named
 * by its context ("transferProperty(node-1, ipAddress)"), just without frames.
 */
export function withoutPromiseStacks(): () => void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
