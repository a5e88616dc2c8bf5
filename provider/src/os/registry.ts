/**
 * OS handlers by name. Supporting a new OS is one registration: a handler that
 * claims guests from probe facts and builds their command lines. Detection asks
 * the newest registration first, so a specific handler (rocky-container) wins
 * over a general one (linux) registered before it, and a user's handler wins
 * over the built-ins.
 */
import { PodError } from "../common/errors";
import { linuxHandler } from "./handlers/linux";
import { rockyContainerHandler } from "./handlers/rocky-container";
import { windowsHandler } from "./handlers/windows";
import type { DetectionContext, OsHandler, OsInfo, ProbeFacts } from "./types";

export class OsRegistry {
  readonly #handlers = new Map<string, OsHandler>();

  /** Adds or replaces a handler; returns a function that removes it again. */
  register(name: string, handler: OsHandler): () => void {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name) || name === "unknown") {
      throw new PodError("INVALID_INPUT", `"${name}" cannot name an OS handler.`, {
        fix: "Use lower-case letters, digits, '.', '_' or '-' (and not 'unknown').",
      });
    }
    this.#handlers.delete(name); // re-registering moves it to the front
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  get(name: string): OsHandler | undefined {
    return this.#handlers.get(name);
  }

  /** Names, in the order detection asks them (newest first). */
  names(): string[] {
    return [...this.#handlers.keys()].reverse();
  }

  /** The first handler that claims the facts, or undefined. */
  classify(facts: ProbeFacts, context: DetectionContext): OsInfo | undefined {
    for (const name of this.names()) {
      const detected = this.#handlers.get(name)?.detect(facts, context);
      if (detected) return { type: name, ...detected };
    }
    return undefined;
  }

  /** The handler for a detected OS; OS_UNKNOWN when there is none, before anything runs on the guest. */
  require(os: OsInfo | string): OsHandler {
    const type = typeof os === "string" ? os : os.type;
    const handler = type === "unknown" ? undefined : this.#handlers.get(type);
    if (!handler) {
      throw new PodError("OS_UNKNOWN", `No OS handler for guest type "${type}"; nothing was run on the guest.`, {
        fix: `Check that the guest runs a supported OS (${this.names().join(", ")}) or register a handler with registerOsHandler().`,
        details: typeof os === "string" ? { type } : { os },
      });
    }
    return handler;
  }
}

export const defaultOsRegistry = new OsRegistry();
defaultOsRegistry.register("linux", linuxHandler);
defaultOsRegistry.register("windows", windowsHandler);
defaultOsRegistry.register("rocky-container", rockyContainerHandler);

export const registerOsHandler = (name: string, handler: OsHandler): (() => void) =>
  defaultOsRegistry.register(name, handler);
export const getOsHandler = (name: string): OsHandler | undefined => defaultOsRegistry.get(name);
