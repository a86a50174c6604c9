import { describe, expect, it } from "vitest";
import { estimateTrainingFromSpec, parseModelConfig } from "../../../src/index.js";
import { LORA_TARGET_PRESETS, loraParameterCount } from "../../../src/memory/training/lora.js";
import { loadFixture } from "../../helpers/fixtures.js";
import { llama8b, mixtralSpec } from "../../helpers/training-specs.js";

// LoRA adds B (d_out × r) and A (r × d_in) to each adapted d_out × d_in matrix: r·(d_in + d_out).
const lora = (r: number, dIn: number, dOut: number): number => r * (dIn + dOut);

describe("LoRA trainable parameters on Llama-3-8B, worked by hand", () => {
  // q, o: 4096 → 4096; k, v: 4096 → 8 KV heads × 128 = 1024; gate, up: 4096 → 14336; down: 14336 → 4096.
  const q = lora(16, 4096, 4096);
  const kv = lora(16, 4096, 1024);
  const mlp = lora(16, 4096, 14336);

  it("rank 16, all-linear: exactly 41,943,040", () => {
    const byHand = 32 * (q + kv + kv + q + 3 * mlp);
    expect(byHand).toBe(41_943_040);
    expect(loraParameterCount(llama8b, 16, LORA_TARGET_PRESETS["all-linear"])).toBe(byHand);
    expect(estimateTrainingFromSpec(llama8b, { method: "lora" }).parameters.trainable).toBe(byHand);
  });

  it("rank 16, q and v only: exactly 6,815,744", () => {
    const byHand = 32 * (q + kv);
    expect(byHand).toBe(6_815_744);
    expect(loraParameterCount(llama8b, 16, ["q", "v"])).toBe(byHand);
  });

  it("rank 16, attention (q, k, v, o): 13,631,488; ranks scale linearly", () => {
    expect(loraParameterCount(llama8b, 16, LORA_TARGET_PRESETS.attention)).toBe(
      32 * (2 * q + 2 * kv),
    );
    expect(loraParameterCount(llama8b, 8, ["q", "v"])).toBe(3_407_872);
    expect(loraParameterCount(llama8b, 32, LORA_TARGET_PRESETS["all-linear"])).toBe(83_886_080);
  });

  it("PEFT module names map to the same roles", () => {
    const byName = estimateTrainingFromSpec(llama8b, {
      method: "lora",
      targets: ["q_proj", "v_proj"],
    });
    expect(byName.parameters.trainable).toBe(6_815_744);
    expect(byName.lora?.targets).toEqual(["q", "v"]);
  });
});

describe("LoRA on Mixtral-8x7B (hand-built MoE spec)", () => {
  it("all-linear adapts every expert's w1, w3, w2 and the router: 242,225,152 at rank 16", () => {
    const attention = 2 * lora(16, 4096, 4096) + 2 * lora(16, 4096, 1024);
    const experts = 8 * (2 * lora(16, 4096, 14336) + lora(16, 14336, 4096));
    const router = lora(16, 4096, 8);
    const byHand = 32 * (attention + experts + router);
    expect(byHand).toBe(242_225_152);
    expect(loraParameterCount(mixtralSpec(), 16, LORA_TARGET_PRESETS["all-linear"])).toBe(byHand);
  });

  it("attention-only LoRA is the same as on a dense model of that shape", () => {
    expect(loraParameterCount(mixtralSpec(), 16, ["q", "v"])).toBe(
      32 * (lora(16, 4096, 4096) + lora(16, 4096, 1024)),
    );
  });
});

describe("fused projections are adapted whole", () => {
  it("Phi-3: targeting q and v wraps the fused 3072 → 9216 qkv_proj, with a warning", () => {
    const phi3 = parseModelConfig(loadFixture("microsoft__Phi-3-mini-4k-instruct").config);
    const estimate = estimateTrainingFromSpec(phi3, { method: "lora", targets: "qv" });
    expect(estimate.parameters.trainable).toBe(32 * lora(16, 3072, 9216));
    expect(estimate.warnings.join("\n")).toMatch(/qkv_proj fuses q, k, v/);
  });
});

describe("LoRA on multi-head latent attention (DeepSeek-V2-Lite), worked by hand", () => {
  // config.json: hidden 2048, 16 heads, qk_nope 128 + qk_rope 64, v 128, kv_lora_rank 512,
  // no q_lora_rank, 27 layers. Projections (transformers DeepseekV2Attention):
  // q_proj 2048 → 16 × 192; kv_a_proj_with_mqa 2048 → 512 + 64; kv_b_proj 512 → 16 × (128 + 128);
  // o_proj 16 × 128 → 2048.
  const spec = parseModelConfig(loadFixture("deepseek-ai__DeepSeek-V2-Lite").config);
  const q = lora(16, 2048, 16 * 192);
  const kvA = lora(16, 2048, 512 + 64);
  const kvB = lora(16, 512, 16 * 256);
  const o = lora(16, 16 * 128, 2048);

  it("attention targets adapt the real latent projections: 7,105,536 at rank 16", () => {
    const byHand = 27 * (q + kvA + kvB + o);
    expect(byHand).toBe(7_105_536);
    expect(loraParameterCount(spec, 16, LORA_TARGET_PRESETS.attention)).toBe(byHand);
  });

  it("q and v adapt q_proj and both latent projections (k and v share them)", () => {
    expect(loraParameterCount(spec, 16, ["q", "v"])).toBe(27 * (q + kvA + kvB));
  });
});
