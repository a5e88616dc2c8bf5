import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { MaybeSecret } from "../../common/secret";
import { urnOf } from "../shared/audit";
import { isGuestUnreachable } from "../shared/errors";
import { guestTargetFailures } from "../shared/guest-defaults";
import { configureRuntime, sharedRuntime } from "../shared/runtime";
import { checkInputs } from "../shared/validate";
import type { ProviderConfig } from "../shared/vsphere-connection";
import { type PodCommandInputs, type PodCommandOutputs, podCommandInputsSchema } from "./args";
import { diffPodCommand } from "./diff";
import { commandOutputs, keptOutputs } from "./outputs";
import { previousOutputEnv } from "./previous-output";

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
    if (!diffPodCommand(olds, news).rerun) return { outs: keptOutputs(olds, news) };
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

  #run(
    inputs: PodCommandInputs,
    command: PodCommandInputs["create"],
    action: string,
    previousOutput?: Record<string, MaybeSecret>,
  ) {
    return commandOutputs(this.#runtime, this.#config, inputs, command, {
      action,
      correlationId: urnOf(inputs),
      previousOutput,
    });
  }
}
