/**
 * Guest operations as a connection the cache can keep: each call borrows a
 * session from the pool (logged in once, shared, logged out when idle) and
 * opens the VM's guest operations managers on it, so a cached connection
 * never holds a session that has since been closed.
 */
import type { Secret } from "../../common/secret";
import { GuestOperations } from "../../vsphere/guest-ops";
import type { VsphereConnectOptions } from "../../vsphere/session";
import type { SessionPool } from "../../vsphere/session-pool";
import type {
  ConnectionHealth,
  ExecOptions,
  FileStream,
  GetFileOptions,
  GuestConnection,
  RawExecResult,
} from "../types";
import { GuestOpsConnection } from "./guestops-connection";

export interface GuestOpsAccess {
  /** The VM's managed object id (vm-123). */
  vm: string;
  username: string;
  password: Secret;
  vsphere: VsphereConnectOptions;
  /** How results name the guest (default vm:<moid>). */
  name?: string;
}

export class PooledGuestOpsConnection implements GuestConnection {
  readonly transport = "guestops" as const;
  readonly target: string;

  constructor(
    readonly sessions: SessionPool,
    readonly access: GuestOpsAccess,
  ) {
    this.target = access.name ?? `vm:${access.vm}`;
  }

  #with<T>(fn: (connection: GuestOpsConnection) => Promise<T>): Promise<T> {
    const { vm, username, password, vsphere } = this.access;
    return this.sessions.use(vsphere, async (session) => {
      const ops = await GuestOperations.open(session, { type: "VirtualMachine", value: vm }, { username, password });
      return fn(new GuestOpsConnection(ops, this.target));
    });
  }

  exec(command: string, options?: ExecOptions): Promise<RawExecResult> {
    return this.#with((c) => c.exec(command, options));
  }

  putFile(remotePath: string, content: string | Buffer | FileStream, options?: { mode?: number }): Promise<void> {
    return this.#with((c) => c.putFile(remotePath, content, options));
  }

  getFile(remotePath: string, options?: GetFileOptions): Promise<Buffer> {
    return this.#with((c) => c.getFile(remotePath, options));
  }

  health(): Promise<ConnectionHealth> {
    return this.#with((c) => c.health());
  }

  async close(): Promise<void> {
    // The sessions belong to the pool.
  }
}
