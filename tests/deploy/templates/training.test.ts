import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderAxolotlYaml, renderPeftLoraConfig, type TrainingPlan } from "../../../src/deploy.js";
import { InvalidOptionError } from "../../../src/index.js";
import {
  AXOLOTL_DATASET_KEYS,
  AXOLOTL_DEPRECATED_KEYS,
  AXOLOTL_KEYS,
  BITSANDBYTES_CONFIG_KEYS,
  PEFT_LORA_CONFIG_KEYS,
} from "../../../src/deploy/templates/training-catalog.js";

/** Values of axolotl's examples/llama-3/lora-8b.yml @ v0.18.0 (tag), copied from the file. */
const AXOLOTL_LORA_EXAMPLE = {
  lora_r: 32,
  lora_alpha: 16,
  lora_dropout: 0.05,
  lora_target_linear: true,
  sequence_len: 4096,
  sample_packing: true,
  micro_batch_size: 2,
  gradient_accumulation_steps: 4,
  num_epochs: 4,
  lr_scheduler: "cosine",
  learning_rate: 0.0002,
  warmup_ratio: 0.1,
  gradient_checkpointing: true,
  bf16: "auto",
};

/** Values of axolotl's examples/llama-3/qlora.yml @ v0.18.0 (tag), copied from the file. */
const AXOLOTL_QLORA_EXAMPLE = {
  load_in_8bit: false,
  load_in_4bit: true,
  adapter: "qlora",
  lora_r: 32,
  lora_alpha: 16,
  lora_dropout: 0.05,
  lora_target_linear: true,
  optimizer: "paged_adamw_32bit",
  warmup_ratio: 0.1,
};

/** templates.md §3.1's QLoRA example (the keys a plan sets), copied from the note. */
const REFERENCE_QLORA_YAML = `
base_model: meta-llama/Meta-Llama-3-8B
load_in_8bit: false
load_in_4bit: true
adapter: qlora
lora_r: 32
lora_alpha: 16
lora_dropout: 0.05
lora_target_modules:
  - q_proj
  - k_proj
  - v_proj
  - o_proj
  - gate_proj
  - up_proj
  - down_proj
output_dir: ./outputs/qlora-llama3-8b
sequence_len: 4096
sample_packing: true
micro_batch_size: 1
gradient_accumulation_steps: 8
num_epochs: 2
learning_rate: 0.0002
lr_scheduler: cosine
optimizer: paged_adamw_8bit
warmup_steps: 10
bf16: auto
gradient_checkpointing: true
attn_implementation: flash_attention_2
`;

const lora: TrainingPlan = { baseModel: "meta-llama/Meta-Llama-3-8B", method: "lora" };
const qlora: TrainingPlan = { baseModel: "meta-llama/Meta-Llama-3-8B", method: "qlora" };

describe("axolotl YAML", () => {
  it("the LoRA preset is axolotl's Llama-3 LoRA example", () => {
    const config = parse(renderAxolotlYaml(lora).yaml);
    expect(config).toMatchObject(AXOLOTL_LORA_EXAMPLE);
    expect(config).toMatchObject({ adapter: "lora", load_in_4bit: false, load_in_8bit: false });
  });

  it("the QLoRA preset is axolotl's Llama-3 QLoRA example, with the 4-bit base QLoRA requires", () => {
    expect(parse(renderAxolotlYaml(qlora).yaml)).toMatchObject(AXOLOTL_QLORA_EXAMPLE);
  });

  it("a plan with §3.1's values renders §3.1's QLoRA config", () => {
    const plan: TrainingPlan = {
      ...qlora,
      targetModules: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
      microBatchSize: 1,
      gradientAccumulationSteps: 8,
      numEpochs: 2,
      optimizer: "paged_adamw_8bit",
      // §3.1 keeps the warm-up of an older qlora.yml; the v0.18.0 example has warmup_ratio 0.1.
      warmup: { steps: 10 },
      outputDir: "./outputs/qlora-llama3-8b",
    };
    const config = parse(renderAxolotlYaml(plan).yaml);
    expect(config).toMatchObject(parse(REFERENCE_QLORA_YAML));
    expect(config).not.toHaveProperty("lora_target_linear");
  });

  it("uses axolotl 0.18.0's key names only, and never a deprecated one", () => {
    for (const plan of [
      lora,
      qlora,
      { ...lora, warmup: { steps: 5 }, targetModules: ["q_proj"] },
    ]) {
      const config = parse(renderAxolotlYaml(plan).yaml) as Record<string, unknown>;
      for (const key of Object.keys(config)) expect(AXOLOTL_KEYS, key).toHaveProperty(key);
      for (const dataset of config.datasets as Record<string, unknown>[]) {
        for (const key of Object.keys(dataset))
          expect(AXOLOTL_DATASET_KEYS as readonly string[]).toContain(key);
      }
      for (const key of Object.keys(AXOLOTL_DEPRECATED_KEYS))
        expect(config).not.toHaveProperty(key);
      expect("warmup_steps" in config && "warmup_ratio" in config).toBe(false);
    }
  });

  it("reports the effective batch: micro × accumulation × GPUs", () => {
    const result = renderAxolotlYaml({ ...lora, gpuCount: 4 });
    // axolotl's example micro 2 × accumulation 4, on 4 GPUs: 32 sequences.
    expect(result.plan.effectiveBatchSize).toBe(32);
    expect(result.notes.join("\n")).toContain("effective batch 32");
  });

  it("rejects a warm-up given both ways, and other malformed plans", () => {
    const bad: [TrainingPlan, string][] = [
      [{ ...lora, warmup: { steps: 10, ratio: 0.1 } }, "plan.warmup"],
      [{ ...lora, dropout: 1 }, "plan.dropout"],
      [{ ...lora, method: "dpo" as never }, "plan.method"],
      [{ ...lora, targetModules: [] }, "plan.targetModules"],
      [{ ...lora, datasets: [] }, "plan.datasets"],
      [{ ...lora, rank: 0 }, "plan.rank"],
    ];
    for (const [plan, option] of bad) {
      expect(() => renderAxolotlYaml(plan)).toThrow(InvalidOptionError);
      try {
        renderAxolotlYaml(plan);
      } catch (error) {
        expect((error as InvalidOptionError).option).toBe(option);
      }
    }
  });
});

function hasPython(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("PEFT LoraConfig", () => {
  it("the JSON parses and uses LoraConfig's argument names", () => {
    const result = renderPeftLoraConfig(qlora);
    const config = JSON.parse(result.json);
    expect(config).toEqual(result.config);
    for (const key of Object.keys(config))
      expect(PEFT_LORA_CONFIG_KEYS as readonly string[]).toContain(key);
    // The same adapter as the axolotl config: r 32, alpha 16, dropout 0.05, all linear layers.
    expect(config).toMatchObject({
      peft_type: "LORA",
      task_type: "CAUSAL_LM",
      r: 32,
      lora_alpha: 16,
      lora_dropout: 0.05,
      target_modules: "all-linear",
      bias: "none",
    });
  });

  it("the Python snippet passes the same keyword arguments, and QLoRA adds BitsAndBytesConfig", () => {
    const { python } = renderPeftLoraConfig({ ...qlora, targetModules: ["q_proj", "v_proj"] });
    const call = (name: string) => {
      const match = new RegExp(`${name}\\(\\n([\\s\\S]*?)\\n\\)`).exec(python);
      return (match?.[1] ?? "").split("\n").map((line) => line.trim().split("=")[0]);
    };
    for (const key of call("LoraConfig"))
      expect(PEFT_LORA_CONFIG_KEYS as readonly string[]).toContain(key);
    expect(call("BitsAndBytesConfig")).toEqual([...BITSANDBYTES_CONFIG_KEYS]);
    expect(python).toContain('target_modules=["q_proj", "v_proj"],');
    expect(python).toContain('bnb_4bit_quant_type="nf4",');
    // The estimate's 4.127 bits per NF4 weight assume double quantization (QLoRA paper, §2).
    expect(python).toContain("bnb_4bit_use_double_quant=True,");
    expect(renderPeftLoraConfig(lora).python).not.toContain("BitsAndBytesConfig");
  });

  it.runIf(hasPython())("the Python snippet is valid Python (python3 ast.parse)", () => {
    for (const plan of [lora, qlora]) {
      const { python } = renderPeftLoraConfig(plan);
      expect(() =>
        execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], {
          input: python,
        }),
      ).not.toThrow();
    }
  });
});

describe("full fine-tuning (axolotl + DeepSpeed)", () => {
  const full: TrainingPlan = { baseModel: "meta-llama/Meta-Llama-3-8B", method: "full" };

  it("no adapter keys; axolotl's fft-8b.yaml @ v0.18.0 values (lr 2e-5, micro 1 × 8, 1 epoch)", () => {
    const config = parse(renderAxolotlYaml(full).yaml) as Record<string, unknown>;
    for (const key of ["adapter", "lora_r", "load_in_4bit", "lora_target_linear"])
      expect(config).not.toHaveProperty(key);
    expect(config).toMatchObject({
      learning_rate: 0.00002,
      micro_batch_size: 1,
      gradient_accumulation_steps: 8,
      num_epochs: 1,
      warmup_ratio: 0.1,
    });
    for (const key of Object.keys(config)) expect(AXOLOTL_KEYS).toHaveProperty(key);
    expect(renderAxolotlYaml(full).files).toHaveLength(1);
  });

  it("several GPUs: a ZeRO-3 DeepSpeed file shaped as axolotl's zero3_bf16.json, referenced from the config", () => {
    const result = renderAxolotlYaml({ ...full, gpuCount: 8, offloadOptimizer: true });
    const config = parse(result.yaml) as Record<string, unknown>;
    expect(config.deepspeed).toBe("deepspeed.json");
    const file = result.files.find((f) => f.path === "axolotl/deepspeed.json");
    const ds = JSON.parse(file?.contents ?? "{}") as {
      zero_optimization: { stage: number; offload_optimizer?: unknown };
      train_micro_batch_size_per_gpu: unknown;
      gradient_accumulation_steps: unknown;
    };
    expect(ds.zero_optimization.stage).toBe(3);
    expect(ds.zero_optimization.offload_optimizer).toEqual({ device: "cpu", pin_memory: true });
    // "auto": the HF Trainer fills these from the axolotl config, so the two cannot disagree.
    expect(ds.train_micro_batch_size_per_gpu).toBe("auto");
    expect(ds.gradient_accumulation_steps).toBe("auto");
    const stage2 = renderAxolotlYaml({ ...full, gpuCount: 4, zeroStage: 2 }).files[1]?.contents;
    const ds2 = JSON.parse(stage2 ?? "{}") as { zero_optimization: { stage: number } };
    expect(ds2.zero_optimization.stage).toBe(2);
  });

  it("PEFT refuses a full plan; zeroStage is refused for LoRA", () => {
    expect(() => renderPeftLoraConfig(full)).toThrow(InvalidOptionError);
    expect(() => renderAxolotlYaml({ ...lora, zeroStage: 3 })).toThrow(/zeroStage/);
  });
});
