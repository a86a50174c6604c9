// node tests/scripts/training-accuracy.mjs (after npm run build): our training estimates next to the
// published measurements quoted in docs/accuracy.md#training. Prints markdown rows; no thresholds.
import { estimateTrainingFromSpec, parseModelConfig } from "../../dist/index.js";
import { findBundledModel } from "../../dist/model/bundled/find-bundled-model.js";

const GIB = 2 ** 30;
const llama8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B").config);
const llama70b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B").config);
// LLaMA-7B (v1): hidden 4096, 32 layers, 32 heads, MLP 11008, vocab 32000 (huggyllama/llama-7b config.json).
const llama7b = parseModelConfig({
  model_type: "llama",
  hidden_size: 4096,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  intermediate_size: 11008,
  vocab_size: 32000,
  max_position_embeddings: 2048,
});

const gib = (bytes) => (bytes / GIB).toFixed(2);
const allocated = (e) =>
  e.memory.perGpu.totalBytes -
  e.memory.perGpu.cudaContextBytes -
  e.memory.perGpu.fragmentationBytes;

/** Longest sequence whose per-GPU total fits `capacity` bytes (binary search). */
function maxSequence(spec, options, capacity) {
  let low = 0;
  let high = 1 << 20;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const fits =
      estimateTrainingFromSpec(spec, { ...options, sequenceLength: mid }).memory.perGpu
        .totalBytes <= capacity;
    if (fits) low = mid;
    else high = mid - 1;
  }
  return low;
}

console.log("## Unsloth README, Hugging Face + FA2, QLoRA r32 all-linear, batch 1 (Llama-3.1-8B)");
const unsloth = {
  method: "qlora",
  rank: 32,
  targets: "all-linear",
  gradientCheckpointing: true,
  optimizer: "adamw-8bit",
};
const withLongContext = (spec) => ({ ...spec, maxPositionEmbeddings: undefined });
for (const [vram, measured] of [
  [12, 932],
  [16, 2551],
  [24, 5789],
  [40, 12264],
  [48, 15502],
  [80, 28454],
]) {
  const at = estimateTrainingFromSpec(withLongContext(llama8b), {
    ...unsloth,
    sequenceLength: measured,
  });
  const ours = maxSequence(withLongContext(llama8b), unsloth, vram * GIB);
  console.log(
    `| ${vram} GiB | ${measured.toLocaleString("en-US")} | ${gib(at.memory.perGpu.totalBytes)} | ${ours.toLocaleString("en-US")} | ${(((ours - measured) / measured) * 100).toFixed(0)} % |`,
  );
}
console.log("## Unsloth README, Llama-3.3-70B, same settings");
for (const [vram, measured] of [
  [48, 0],
  [80, 6916],
]) {
  const ours = maxSequence(withLongContext(llama70b), unsloth, vram * GIB);
  const at = estimateTrainingFromSpec(withLongContext(llama70b), {
    ...unsloth,
    sequenceLength: Math.max(1, measured),
  });
  console.log(
    `| ${vram} GiB | ${measured || "OOM"} | ${gib(at.memory.perGpu.totalBytes)} | ${ours.toLocaleString("en-US")} |`,
  );
}

console.log(
  "## torchtune README, Llama-3.1-8B, batch 2, packed 2048, activation checkpointing, compile",
);
const torchtune = {
  sequenceLength: 2048,
  microBatchSize: 2,
  gradientCheckpointing: true,
  precision: "bf16",
  crossEntropy: "chunked",
  rank: 8,
};
for (const [label, options, measured] of [
  [
    "LoRA r8 q,v,o + MLP",
    { ...torchtune, method: "lora", targets: ["q", "v", "o", "gate", "up", "down"] },
    16.2,
  ],
  ["QLoRA r8 q,k,v,o + MLP", { ...torchtune, method: "qlora", targets: "all-linear" }, 7.4],
]) {
  const e = estimateTrainingFromSpec(llama8b, options);
  console.log(
    `| ${label} | ${measured} GiB | ${gib(e.memory.perGpu.totalBytes)} GiB | ${gib(allocated(e))} GiB | ${(((allocated(e) / GIB - measured) / measured) * 100).toFixed(0)} % |`,
  );
}

console.log(
  "## chenyaofo gist: LLaMA-7B, DeepSpeed 0.14.2, 8 GPUs, seq 4096, torch.cuda.max_memory_allocated()",
);
for (const [label, options, measured] of [
  ["ZeRO-2, batch 1", { zeroStage: 2, microBatchSize: 1 }, 44.8],
  ["ZeRO-2, ckpt, batch 1", { zeroStage: 2, microBatchSize: 1, gradientCheckpointing: true }, 23.5],
  [
    "ZeRO-2, ckpt, offload, batch 1",
    { zeroStage: 2, microBatchSize: 1, gradientCheckpointing: true, offloadOptimizer: true },
    16.9,
  ],
  ["ZeRO-2, ckpt, batch 4", { zeroStage: 2, microBatchSize: 4, gradientCheckpointing: true }, 38.6],
  ["ZeRO-3, batch 2", { zeroStage: 3, microBatchSize: 2 }, 75.7],
  ["ZeRO-3, ckpt, batch 2", { zeroStage: 3, microBatchSize: 2, gradientCheckpointing: true }, 20.4],
  [
    "ZeRO-3, ckpt, offload, batch 2",
    { zeroStage: 3, microBatchSize: 2, gradientCheckpointing: true, offloadOptimizer: true },
    9.4,
  ],
  ["ZeRO-3, ckpt, batch 8", { zeroStage: 3, microBatchSize: 8, gradientCheckpointing: true }, 39.1],
]) {
  const e = estimateTrainingFromSpec(llama7b, { ...options, gpus: 8, sequenceLength: 4096 });
  const ours = allocated(e) / GIB;
  console.log(
    `| ${label} | ${measured} | ${ours.toFixed(1)} | ${(((ours - measured) / measured) * 100).toFixed(0)} % |`,
  );
}
