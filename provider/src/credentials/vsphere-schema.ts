import { z } from "zod";

/** A vSphere connection as resources and guest targets declare it; unset fields come from the chain. */
export const vsphereConnectionSchema = z
  .object({
    host: z.string().min(1).describe('vCenter or ESXi address: "host" or "host:port".'),
    user: z.string().min(1).describe("vSphere user name."),
    password: z.string().min(1).meta({ secret: true }).describe("vSphere password (stored encrypted)."),
    thumbprint: z
      .string()
      .regex(/^([0-9A-Fa-f]{2}:?){32}$/, "must be a SHA-256 thumbprint (64 hex digits, colons optional)")
      .optional()
      .describe("Pin the server certificate by its SHA-256 thumbprint instead of trusting a CA."),
    caFile: z.string().optional().describe("PEM file of the CA(s) to trust for the server certificate."),
    insecure: z.boolean().optional().describe("Skip TLS verification (labs only; never the default)."),
  })
  .partial()
  .describe("How to reach vSphere; unset fields come from provider config (pod:vsphere*) or POD_VSPHERE_* variables.");

export type VsphereConnectionInput = z.infer<typeof vsphereConnectionSchema>;
