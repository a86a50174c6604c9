// In its own file so the feature files that countParameters composes can name it without an
// import cycle (tests/architecture.test.ts).

/**
 * A model's parameters by component. `linear` (attention + MLP projections, with their
 * biases) is what weight-only quantization compresses; embeddings, the LM head and norms
 * usually stay in 16-bit. `total` is the sum of every component except `routedExperts`,
 * which is the part of `mlp` that sits in routed experts.
 */
export interface ParameterBreakdown {
  /** Token embedding (`vocab × hidden`). */
  readonly embedding: number;
  /** Learned absolute position table (GPT-2, OPT, BERT); 0 for rotary models. */
  readonly positionEmbedding: number;
  /** q, k, v and output projections of all attention layers (MLA's latent projections included), with biases and q/k norms. */
  readonly attention: number;
  /** MLP projections of all layers, with biases: dense MLPs, shared experts and every routed expert. */
  readonly mlp: number;
  /** The part of `mlp` held by routed experts (0 for dense models). Not added to `total` again. */
  readonly routedExperts: number;
  /** MoE routers (and their biases, shared-expert gates); kept in 16-bit by every quantizer. */
  readonly router: number;
  /** Mamba / linear-attention mixers of hybrid and state-space models. */
  readonly stateSpace: number;
  /** Layer norms of all layers plus the final norm. */
  readonly norms: number;
  /** Untied LM head (`vocab × hidden`); 0 when tied to the embedding. */
  readonly lmHead: number;
  /** Vision tower and projector of a multimodal model. */
  readonly vision: number;
  /** Family-specific tensors outside these components (`spec.extraParameters`). */
  readonly other: number;
  /** Sum of the components. */
  readonly total: number;
}
