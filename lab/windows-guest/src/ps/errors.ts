import { Scanner } from "./scanner";
import { PSObject, type PSValue } from "./values";

/**
 * Error records shaped like Windows PowerShell 5.1's, so that stderr reads
 * the way it does on a Windows Server 2022 guest:
 *
 *   Get-Foo : The term 'Get-Foo' is not recognized as …
 *   At line:1 char:1
 *   + Get-Foo
 *   + ~~~~~~~
 *       + CategoryInfo          : ObjectNotFound: (Get-Foo:String) [], CommandNotFoundException
 *       + FullyQualifiedErrorId : CommandNotFoundException
 */
export interface ErrorPosition {
  src: string;
  start: number;
  end: number;
}

export class ErrorRecord {
  constructor(
    readonly message: string,
    readonly options: {
      exception?: string;
      category?: string;
      targetName?: string;
      targetType?: string;
      errorId?: string;
      /** The command that failed ("Get-NetAdapter"): prefixes the message and names the activity. */
      command?: string;
      position?: ErrorPosition;
      /** Errors from `throw` and the runtime have no "Command :" prefix. */
      noPrefix?: boolean;
      /** The bracketed activity of CategoryInfo; defaults to the command. */
      activity?: string;
      /** Whether ",Command" is appended to the FullyQualifiedErrorId (cmdlet errors); default true. */
      fqidSuffix?: boolean;
    } = {},
  ) {}

  get exception(): string {
    return this.options.exception ?? "RuntimeException";
  }

  get errorId(): string {
    const id = this.options.errorId ?? this.exception;
    const suffix = this.options.fqidSuffix ?? true;
    return suffix && this.options.command && !id.includes(",") && this.options.errorId
      ? `${id},${this.options.command}`
      : id;
  }

  withPosition(position: ErrorPosition | undefined): ErrorRecord {
    if (!position || this.options.position) return this;
    return new ErrorRecord(this.message, { ...this.options, position });
  }

  /** The console rendering, CRLF line endings, ending with the " " line PowerShell prints. */
  format(): string {
    const o = this.options;
    const lines: string[] = [];
    const head = o.command && !o.noPrefix ? `${o.command} : ${this.message}` : this.message;
    // Parse errors print the position first, then the message.
    if (o.category !== "ParserError") lines.push(head);
    if (o.position) {
      const where = Scanner.where(o.position.src, o.position.start);
      const width = Math.max(
        1,
        Math.min(o.position.end, o.position.start + where.text.length - where.col + 1) - o.position.start,
      );
      lines.push(`At line:${where.line} char:${where.col}`);
      lines.push(`+ ${where.text}`);
      lines.push(`+ ${" ".repeat(where.col - 1)}${"~".repeat(width)}`);
    }
    if (o.category === "ParserError") lines.push(head);
    const target = o.targetName ?? "";
    const activity = `[${o.activity ?? o.command ?? ""}]`;
    lines.push(
      `    + CategoryInfo          : ${o.category ?? "NotSpecified"}: (${o.targetType === "" ? target : `${target}:${o.targetType ?? (target ? "String" : "")}`}) ${activity}, ${this.exception}`,
    );
    lines.push(`    + FullyQualifiedErrorId : ${this.errorId}`);
    lines.push(" ");
    return `${lines.join("\r\n")}\r\n`;
  }

  /** $_ inside catch { }: .Exception.Message, .FullyQualifiedErrorId, .CategoryInfo, and "$_" = the message. */
  toObject(): PSObject {
    const exception = new PSObject(
      [`System.Management.Automation.${this.exception}`, "System.Exception", "System.Object"],
      { Message: this.message },
      undefined,
      this.message,
    );
    return new PSObject(
      ["System.Management.Automation.ErrorRecord", "System.Object"],
      {
        Exception: exception,
        FullyQualifiedErrorId: this.errorId,
        CategoryInfo: `${this.options.category ?? "NotSpecified"}: (${this.options.targetName ?? ""}:) [${this.options.command ?? ""}], ${this.exception}`,
        TargetObject: (this.options.targetName ?? null) as PSValue,
      },
      undefined,
      this.message,
    );
  }
}

/** A terminating error: stops the statement (and the script, unless caught). */
export class PSRuntimeError extends Error {
  /** throw and -ErrorAction Stop end the whole script; other runtime errors end only their statement. */
  scriptTerminating = false;

  constructor(readonly record: ErrorRecord) {
    super(record.message);
  }
}

export class ExitSignal {
  constructor(readonly code: number) {}
}

export class ReturnSignal {
  constructor(readonly values: PSValue[]) {}
}

/** The command was stopped (WinRS terminate signal or shell deleted). */
export class StoppedSignal {}

export const notRecognized = (name: string): ErrorRecord =>
  new ErrorRecord(
    `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
    {
      exception: "CommandNotFoundException",
      category: "ObjectNotFound",
      targetName: name,
      errorId: "CommandNotFoundException",
      command: name,
      activity: "",
      fqidSuffix: false,
    },
  );
