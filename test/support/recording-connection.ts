import type {
  ConnectionHealth,
  ExecOptions,
  GuestConnection,
  RawExecResult,
} from "../../provider/src/connections/types";

/** A GuestConnection that records every command line before passing it on: tests assert on what ran. */
export class RecordingConnection implements GuestConnection {
  readonly commands: string[] = [];

  constructor(readonly inner: GuestConnection) {}

  get transport() {
    return this.inner.transport;
  }

  get target() {
    return this.inner.target;
  }

  exec(command: string, options?: ExecOptions): Promise<RawExecResult> {
    this.commands.push(command);
    return this.inner.exec(command, options);
  }

  /** WinRM's PowerShell entry point, recorded as the script text (Windows guests only). */
  execPowerShell(script: string, options?: Omit<ExecOptions, "stdin">): Promise<RawExecResult> {
    this.commands.push(script);
    const inner = this.inner as GuestConnection & { execPowerShell?: RecordingConnection["execPowerShell"] };
    if (!inner.execPowerShell) throw new Error(`${this.target} has no PowerShell entry point`);
    return inner.execPowerShell(script, options);
  }

  putFile(remotePath: string, content: string | Buffer, options?: { mode?: number }): Promise<void> {
    this.commands.push(`putFile ${remotePath}`);
    return this.inner.putFile(remotePath, content, options);
  }

  getFile(remotePath: string): Promise<Buffer> {
    this.commands.push(`getFile ${remotePath}`);
    return this.inner.getFile(remotePath);
  }

  health(): Promise<ConnectionHealth> {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Commands that ran apply steps (every change script marks its steps). */
  changeCommands(): string[] {
    return this.commands.filter((c) => c.includes("@@STEP") || c.includes("@@STARTED"));
  }
}
