import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { toPodError } from "../../common/errors";
import type { MaybeSecret } from "../../common/secret";
import { targetName } from "../../execution/guest-target";
import { urnOf } from "../shared/audit";
import { isGuestUnreachable, resourceError } from "../shared/errors";
import { guestTargetFailures } from "../shared/guest-defaults";
import { configureRuntime, sharedRuntime, toDetectedOs } from "../shared/runtime";
import { checkInputs } from "../shared/validate";
import type { ProviderConfig } from "../shared/vsphere-connection";
import { type PodCommandInputs, type PodCommandOutputs, podCommandInputsSchema } from "./args";
import { diffPodCommand } from "./diff";
import { previousOutputEnv } from "./previous-output";
import { failedRun, runCommand } from "./run";

/** The PodCommand dynamic provider: CRUD only; execution/ runs the commands. */
export class PodCommandProvider implements pulumi.dynamic.ResourceProvider<PodCommandInputs, PodCommandOutputs> {
  #config: ProviderConfig = {};
  readonly #runtime = sharedRuntime();

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#config = configureRuntime(this.#runtime, req.config);
  }

  async check(_olds: PodCommandInputs, news: PodCommandInputs): Promise<pulumi.dynamic.CheckResult<PodCommandInputs>> {
    // Inputs are returned as given: credentials the chain fills in stay out of state.
    const failures = checkInputs(podCommandInputsSchema, news);
    return { inputs: news, failures: [...failures, ...guestTargetFailures(news.target, this.#config)] };
  }

  async diff(_id: string, olds: PodCommandOutputs, news: PodCommandInputs): Promise<pulumi.dynamic.DiffResult> {
    const { changes, replaces } = diffPodCommand(olds, news);
    // Replaced like @pulumi/command: the new resource's create first, then the old one's delete.
    return { changes, replaces };
  }

  async create(inputs: PodCommandInputs): Promise<pulumi.dynamic.CreateResult<PodCommandOutputs>> {
    const outs = await this.#run(inputs, inputs.create, "create");
    return { id: randomUUID(), outs };
  }

  async update(
    _id: string,
    olds: PodCommandOutputs,
    news: PodCommandInputs,
  ): Promise<pulumi.dynamic.UpdateResult<PodCommandOutputs>> {
    if (!diffPodCommand(olds, news).rerun) {
      // Keep the last run's results; undefined values must not reach Pulumi's serializer.
      const { stdout, stderr, exitCode, data, durationMs, os, truncated } = olds;
      const kept = { ...(data === undefined ? {} : { data }), ...(truncated === undefined ? {} : { truncated }) };
      return { outs: { ...news, stdout, stderr, exitCode, ...kept, durationMs, os } };
    }
    const previous = previousOutputEnv(olds, news.addPreviousOutputInEnv);
    return { outs: await this.#run(news, news.update ?? news.create, "update", previous) };
  }

  async delete(_id: string, props: PodCommandOutputs): Promise<void> {
    if (!props.delete) return;
    try {
      await this.#run(props, props.delete, "delete", previousOutputEnv(props, props.addPreviousOutputInEnv));
    } catch (error) {
      // A gone or unreachable target counts as deleted unless strictDelete.
      if (props.strictDelete || !isGuestUnreachable(error)) throw error;
    }
  }

  async #run(
    inputs: PodCommandInputs,
    command: PodCommandInputs["create"],
    action: string,
    previous?: Record<string, MaybeSecret>,
  ) {
    try {
      // The command's audit record carries the resource's URN as its correlation id.
      const run = await runCommand(this.#runtime, this.#config, inputs, command, urnOf(inputs), previous);
      const { result, os } = run;
      if (!result.success) throw failedRun(result, run.secretOutput);
      return {
        ...inputs,
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode ?? -1,
        ...(result.data !== undefined ? { data: result.data } : {}),
        durationMs: result.durationMs,
        ...(result.truncated ? { truncated: result.truncated } : {}),
        os: toDetectedOs(os),
      };
    } catch (error) {
      const e = toPodError(error);
      throw resourceError(`PodCommand on ${targetName(inputs.target)}`, action, e);
    }
  }
}
