import { z } from "zod";
import { guestTargetSchema } from "../../execution/guest-target";
import { detectedOsSchema } from "../shared/detected-os";

/**
 * A secret value on the wire: the SDK turns every Pulumi secret in an argv
 * word, a script, an environment value or stdin into this marker (dynamic
 * providers receive secrets unwrapped, so the marker is how pod knows), and
 * pod shows it as "***" wherever it describes the command.
 */
export const secretTextSchema = z
  .object({ secret: z.string() })
  .strict()
  .describe("A secret value; shown as *** in audit records, results and errors.");

const textOrSecret = z.union([z.string(), secretTextSchema]);

export const commandSchema = z
  .union([
    z.string().min(1).describe("A script for the guest's default shell (sh on Linux, PowerShell on Windows)."),
    secretTextSchema.describe("A secret script for the guest's default shell."),
    z.array(textOrSecret).min(1).describe("An argv; every word is quoted for the guest by pod."),
    z
      .object({
        script: z.union([z.string().min(1), secretTextSchema]).describe("The script text."),
        shell: z.enum(["sh", "bash", "powershell", "cmd"]).describe("The shell that runs it."),
      })
      .describe("A script for a named shell."),
  ])
  .describe("A command: a script string, an argv array, or { script, shell }.");

export const podCommandInputsSchema = z.object({
  target: guestTargetSchema,
  create: commandSchema.describe("Runs on create, and on update when no update command is given."),
  update: commandSchema.optional().describe("Runs when a command, trigger, environment or stdin changes."),
  delete: commandSchema.optional().describe("Runs on destroy."),
  triggers: z
    .array(z.unknown())
    .optional()
    .describe(
      "Any values; a change replaces the resource: create runs again, then the old one's delete (as @pulumi/command). `[new Date().toISOString()]` runs it on every up.",
    ),
  environment: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment names use letters, digits, '_'"), textOrSecret)
    .optional()
    .describe("Environment variables for the command; never on a command line in the guest."),
  stdin: textOrSecret.optional().describe("Sent to the command's standard input."),
  acceptExitCodes: z.array(z.number().int()).optional().describe("Exit codes that count as success; [0] by default."),
  timeoutSeconds: z
    .number()
    .min(1)
    .max(24 * 3600)
    .optional()
    .describe("Ends the command on the guest; 600 by default."),
  maxOutputBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .optional()
    .describe(
      "Bytes of stdout, and of stderr, kept from a run (16 MiB by default); the rest is dropped and counted in `truncated`.",
    ),
  parser: z
    .enum(["json", "ip-json", "os-release", "key-value", "powershell-json"])
    .optional()
    .describe("Parses stdout into `data`."),
  addPreviousOutputInEnv: z
    .boolean()
    .optional()
    .describe(
      "Give update and delete the last run's stdout and stderr as PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR (when not empty; secret when the output is); true by default, as in @pulumi/command.",
    ),
  secretOutputs: z
    .boolean()
    .optional()
    .describe("Set by the SDK's secretOutputs option: stdout, stderr and data are secret, and kept out of errors."),
  strictDelete: z
    .boolean()
    .optional()
    .describe("Fail `pulumi destroy` when the target is unreachable; by default a gone target counts as deleted."),
  logging: z
    .enum(["stdout", "stderr", "stdoutAndStderr", "none"])
    .optional()
    .describe(
      "Which output lines the provider plugin streams to the Pulumi engine while the command runs (stdoutAndStderr by default; never for secret output). The dynamic resources cannot log to the engine and ignore it.",
    ),
});

export type PodCommandInputs = z.infer<typeof podCommandInputsSchema>;

export const podCommandOutputsSchema = podCommandInputsSchema.extend({
  stdout: z.string().describe("Standard output of the last run, trailing newline trimmed."),
  stderr: z.string().describe("Standard error of the last run."),
  exitCode: z.number().int().describe("Exit code of the last run."),
  data: z.unknown().optional().describe("stdout parsed by `parser`."),
  durationMs: z.number().describe("How long the last run took."),
  truncated: z
    .object({
      stdout: z.number().int().describe("Bytes of stdout dropped."),
      stderr: z.number().int().describe("Bytes of stderr dropped."),
    })
    .optional()
    .describe("Set when the last run printed more than maxOutputBytes: the bytes dropped from each stream."),
  os: detectedOsSchema,
});

export type PodCommandOutputs = z.infer<typeof podCommandOutputsSchema>;
