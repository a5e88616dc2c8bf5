import { z } from "zod";
import { remotePathProblem } from "../../execution/copy/remote-path";
import { guestTargetSchema } from "../../execution/guest-target";
import { detectedOsSchema } from "../shared/detected-os";

/** Pulumi's wire signatures (sdk/go/common/resource/asset.go): the key, and its value for assets and archives. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/**
 * A Pulumi asset or archive (FileAsset, StringAsset, FileArchive, AssetArchive):
 * a dynamic provider receives it in the wire form (the signature key, the
 * engine's hash, path/text/uri/assets); the SDK's own classes (fields are
 * promises) are accepted too, for callers of the provider in the same process.
 */
export interface AssetOrArchive {
  [SIG_KEY]?: string;
  __pulumiAsset?: boolean;
  __pulumiArchive?: boolean;
  path?: string | Promise<string | undefined>;
  text?: string | Promise<string | undefined>;
  uri?: string | Promise<string | undefined>;
  assets?: Record<string, unknown> | Promise<Record<string, unknown> | undefined>;
}

export const isAssetOrArchive = (v: unknown): v is AssetOrArchive =>
  typeof v === "object" && v !== null && (isArchive(v as AssetOrArchive) || isAsset(v as AssetOrArchive));

export const isArchive = (v: AssetOrArchive): boolean => v.__pulumiArchive === true || v[SIG_KEY] === ARCHIVE_SIG;
const isAsset = (v: AssetOrArchive): boolean => v.__pulumiAsset === true || v[SIG_KEY] === ASSET_SIG;

const sourceSchema = z
  .custom<AssetOrArchive>(isAssetOrArchive, "must be a Pulumi asset or archive")
  .meta({ pulumiType: "AssetOrArchive" })
  .describe(
    "What to copy: a FileAsset or StringAsset (one file, written at remotePath), a FileArchive of a folder (its tree, under remotePath) or of an archive file (copied as is, not unpacked), or an AssetArchive (its entries, under remotePath).",
  );

export const podCopyInputsSchema = z
  .object({
    target: guestTargetSchema,
    source: sourceSchema.optional(),
    localPath: z
      .string()
      .min(1)
      .optional()
      .describe("Or a local file or folder to copy (relative to the program's folder); give source or localPath."),
    remotePath: z
      .string()
      .min(1)
      .describe(
        "Absolute path in the guest: the file itself for a one-file source, the folder the tree goes in otherwise. Refused when relative or with . or .. segments.",
      ),
    mode: z
      .string()
      .regex(/^[0-7]{3,4}$/, 'mode is octal, like "0644" or "755"')
      .optional()
      .describe("Linux: permissions of every copied file (octal); by default a local file's own, 0644 for text."),
    owner: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(:[A-Za-z0-9_][A-Za-z0-9._-]*)?$/, 'owner is "user" or "user:group"')
      .optional()
      .describe(
        'Linux: "user" or "user:group" of the copied files and folders (the guest user must be allowed to chown).',
      ),
    triggers: z
      .array(z.unknown())
      .optional()
      .describe("Any values; a change replaces the copy (copied again, the old one removed)."),
    keepOnDelete: z.boolean().optional().describe("Leave the copied files in the guest on destroy."),
    strictDelete: z
      .boolean()
      .optional()
      .describe("Fail `pulumi destroy` when the target is unreachable; by default a gone target counts as deleted."),
    timeoutSeconds: z
      .number()
      .min(1)
      .max(24 * 3600)
      .optional()
      .describe("Bounds each guest command around the copy (folders, mode, removal); 120 by default."),
  })
  .superRefine((inputs, ctx) => {
    const given = [inputs.source, inputs.localPath].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: "custom", path: ["source"], message: "give exactly one of source and localPath" });
    }
    const problem = typeof inputs.remotePath === "string" ? remotePathProblem(inputs.remotePath) : undefined;
    if (problem) ctx.addIssue({ code: "custom", path: ["remotePath"], message: `remotePath ${problem}` });
  });

export type PodCopyInputs = z.infer<typeof podCopyInputsSchema>;

const copiedFileSchema = z
  .object({
    path: z.string().describe("The file's path in the guest."),
    sha256: z.string().describe("SHA-256 of the content copied."),
    size: z.number().int().describe("Bytes."),
    mode: z.number().int().describe("Permissions set (Linux)."),
  })
  .describe("One file pod copied into the guest.");

export const podCopyOutputsSchema = podCopyInputsSchema.safeExtend({
  sha256: z.string().describe("One SHA-256 over every copied file's path, mode and content: what the diff compares."),
  files: z.array(copiedFileSchema).describe("Every file copied, with its hash: what destroy removes."),
  dirs: z.array(z.string()).describe("The copied tree's folders in the guest (removed on destroy when left empty)."),
  bytes: z.number().int().describe("Bytes copied in all."),
  os: detectedOsSchema,
});

export type PodCopyOutputs = z.infer<typeof podCopyOutputsSchema>;

/** Inputs echoed as outputs that carry credentials: stored encrypted. */
export const POD_COPY_SECRET_OUTPUTS = ["target"] as const;
