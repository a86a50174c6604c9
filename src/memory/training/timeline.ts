import type { PlacedModelStates } from "./model-states.js";

/**
 * The training step as a timeline: what is allocated on one GPU at each moment of the forward
 * pass, the backward pass and the optimizer step, and the moment it peaks. A peak is a moment,
 * not a sum of parts: activations are freed layer by layer while gradients fill up, the loss's
 * logit copies are gone before the first layer's backward, gradients and optimizer temporaries
 * meet only at the step. See docs/methodology.md#timeline.
 */

/** A phase of the training step. */
export type TrainingPhase = "forward" | "backward" | "optimizer";

/** Every {@link TrainingPhase}, in order. */
export const TRAINING_PHASES = [
  "forward",
  "backward",
  "optimizer",
] as const satisfies readonly TrainingPhase[];

/** What one GPU holds at one moment, itemized (bytes inside PyTorch's allocator). */
export interface TimelineMoment {
  /** The phase the moment belongs to. */
  readonly phase: TrainingPhase;
  /** What happens at that moment, in words. */
  readonly moment: string;
  /** Frozen base weights. */
  readonly frozenWeightsBytes: number;
  /** Trainable weights as the passes read them (AMP's autocast copies included while they live). */
  readonly weightsBytes: number;
  /** Gradients alive at that moment. */
  readonly gradientsBytes: number;
  /** Optimizer states inside PyTorch's allocator. */
  readonly optimizerStatesBytes: number;
  /** FP32 master weights. */
  readonly masterWeightsBytes: number;
  /** Activations saved for backward, and one layer's recompute with checkpointing. */
  readonly activationsBytes: number;
  /** Logits and the loss's copies of them. */
  readonly logitsBytes: number;
  /** Gathered (ZeRO-3 / FSDP) and dequantized (QLoRA) weight copies of the layers running. */
  readonly temporaryWeightsBytes: number;
  /** Temporaries of the optimizer step (torch's foreach AdamW: one state-sized buffer). */
  readonly optimizerStepBytes: number;
  /** The sum: what `torch.cuda.memory_allocated()` would show. */
  readonly allocatedBytes: number;
}

/** Everything the timeline places on one GPU, in bytes. */
export interface TimelineInput {
  /** Model states on this GPU. */
  readonly states: PlacedModelStates;
  /** Activations kept from the forward pass until backward. */
  readonly storedActivationsBytes: number;
  /** One layer's activations rebuilt during its backward (checkpointing), else 0. */
  readonly recomputeBytes: number;
  /** Logit bytes while the loss is computed. */
  readonly forwardLogitsBytes: number;
  /** Logit bytes during the loss's backward. */
  readonly backwardLogitsBytes: number;
  /** Gathered weights while a layer runs forward (ZeRO-3 / FSDP). */
  readonly forwardGatherBytes: number;
  /** Gathered weights and their unsharded gradients while a layer runs backward. */
  readonly backwardGatherBytes: number;
  /** The 16-bit copy of a quantized projection while it runs (QLoRA). */
  readonly dequantizedBytes: number;
  /** Temporaries of the optimizer step. */
  readonly optimizerStepBytes: number;
  /** Gradients kept across micro-batches (gradient accumulation): alive in the forward pass too. */
  readonly accumulatesGradients: boolean;
  /** The optimizer steps each parameter inside backward and frees its gradient (torchtune `optimizer_in_bwd`). */
  readonly optimizerInBackward: boolean;
  /** With the optimizer in backward: the largest gradient alive at once, and its step temporaries. */
  readonly inBackwardGradientBytes: number;
}

function moment(
  phase: TrainingPhase,
  description: string,
  parts: Omit<TimelineMoment, "phase" | "moment" | "allocatedBytes">,
): TimelineMoment {
  const allocatedBytes =
    parts.frozenWeightsBytes +
    parts.weightsBytes +
    parts.gradientsBytes +
    parts.optimizerStatesBytes +
    parts.masterWeightsBytes +
    parts.activationsBytes +
    parts.logitsBytes +
    parts.temporaryWeightsBytes +
    parts.optimizerStepBytes;
  return { phase, moment: description, ...parts, allocatedBytes };
}

/**
 * The moments of one training step on one GPU, in steady state (after the first step, optimizer
 * states exist throughout):
 * - **forward**, while the loss is computed: persistent states, all saved activations, the
 *   forward logits, the gathered and dequantized weights of the running layer (and the
 *   gradients, when micro-batches accumulate them);
 * - **backward**, three moments: the loss's own backward (every activation and the backward logit
 *   copies), the first layer's backward (every activation and one recomputed layer), and the last
 *   (activations freed, every gradient present, one recomputed layer); activations fall while
 *   gradients rise, so the layers in between lie under one of the two ends;
 * - **optimizer**: persistent states, the step's gradients (DeepSpeed's FP32 partition included)
 *   and the step's temporaries. With the optimizer in backward there is no such phase: each
 *   gradient is stepped and freed as it is produced.
 */
export function timelineMoments(input: TimelineInput): TimelineMoment[] {
  const s = input.states;
  const persistent = {
    frozenWeightsBytes: s.frozenWeightsBytes,
    optimizerStatesBytes: s.optimizerStatesBytes,
    masterWeightsBytes: s.masterWeightsBytes,
  };
  const passWeights = s.weightsBytes + s.autocastWeightsBytes;
  const gradients = input.optimizerInBackward
    ? input.inBackwardGradientBytes
    : s.backwardGradientsBytes;
  const carried = input.accumulatesGradients && !input.optimizerInBackward ? gradients : 0;
  const forwardTemporary = input.forwardGatherBytes + input.dequantizedBytes;
  const backwardTemporary = input.backwardGatherBytes + input.dequantizedBytes;
  const moments = [
    moment("forward", "the loss, after every layer's forward", {
      ...persistent,
      weightsBytes: passWeights,
      gradientsBytes: carried,
      activationsBytes: input.storedActivationsBytes,
      logitsBytes: input.forwardLogitsBytes,
      temporaryWeightsBytes: forwardTemporary,
      optimizerStepBytes: 0,
    }),
    moment("backward", "the loss's backward", {
      ...persistent,
      weightsBytes: passWeights,
      gradientsBytes: carried,
      activationsBytes: input.storedActivationsBytes,
      logitsBytes: input.backwardLogitsBytes,
      temporaryWeightsBytes: backwardTemporary,
      optimizerStepBytes: 0,
    }),
    moment("backward", "the first layer's backward", {
      ...persistent,
      weightsBytes: passWeights,
      gradientsBytes: carried,
      activationsBytes: input.storedActivationsBytes + input.recomputeBytes,
      logitsBytes: 0,
      temporaryWeightsBytes: backwardTemporary,
      optimizerStepBytes: 0,
    }),
    moment("backward", "the last layer's backward, every gradient present", {
      ...persistent,
      weightsBytes: s.weightsBytes,
      gradientsBytes: gradients,
      activationsBytes: input.recomputeBytes,
      logitsBytes: 0,
      temporaryWeightsBytes: backwardTemporary,
      optimizerStepBytes: input.optimizerInBackward ? input.optimizerStepBytes : 0,
    }),
  ];
  if (!input.optimizerInBackward) {
    moments.push(
      moment("optimizer", "the optimizer step", {
        ...persistent,
        weightsBytes: s.weightsBytes,
        gradientsBytes: s.stepGradientsBytes,
        activationsBytes: 0,
        logitsBytes: 0,
        temporaryWeightsBytes: 0,
        optimizerStepBytes: input.optimizerStepBytes,
      }),
    );
  }
  return moments;
}

/** The moment with the most allocated bytes (the first of equals, in step order). */
export function peakMoment(moments: readonly TimelineMoment[]): TimelineMoment {
  let peak = moments[0];
  if (peak === undefined) throw new RangeError("peakMoment needs at least one moment");
  for (const candidate of moments) {
    if (candidate.allocatedBytes > peak.allocatedBytes) peak = candidate;
  }
  return peak;
}
