import { z } from "zod";

/** The guest OS as every resource outputs it (PodVm.os, PodCommand.os). */
export const detectedOsSchema = z
  .object({
    type: z.string().describe('"linux", "windows", "rocky-container", "unknown", or a registered OS.'),
    family: z
      .string()
      .describe('"debian", "redhat", "windows", … (the same whether read from vSphere guest info or probed)'),
    distribution: z.string().describe('"debian", "rocky", "Windows Server 2022 Datacenter", …'),
    version: z.string().describe('"12", "9.5", "10.0.20348", …'),
    build: z.string().describe("Windows build number; empty elsewhere."),
  })
  .describe("The guest OS pod detected.");

export type DetectedOs = z.infer<typeof detectedOsSchema>;
