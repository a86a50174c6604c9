import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderTemplates } from "../../../src/deploy.js";
import { InvalidOptionError } from "../../../src/index.js";
import { ENGINE_RULES } from "../../../src/deploy/templates/engine-rules.js";
import {
  TEMPLATE_TARGET_IDS,
  type TemplatePlans,
} from "../../../src/deploy/templates/render-templates.js";
import { bashSyntaxError, llama3_70bAwq, llama3_70bBf16 } from "../../helpers/templates.js";

const everything: TemplatePlans[] = [
  {
    serving: {
      ...llama3_70bBf16(),
      imagesPerPrompt: 2,
      lora: { maxRank: 40, adapters: [{ name: "sql", path: "org/sql" }] },
    },
    training: { baseModel: "meta-llama/Meta-Llama-3-8B", method: "qlora" },
    infra: {
      region: "us-east-1",
      instanceTypes: ["p4de.24xlarge", "p5.48xlarge"],
      gpusPerInstance: 8,
    },
  },
  {
    serving: llama3_70bAwq(),
    training: {
      baseModel: "meta-llama/Meta-Llama-3-8B",
      method: "lora",
      warmup: { steps: 3 },
      targetModules: ["q_proj", "v_proj"],
    },
    infra: {
      region: "eu-west-1",
      instanceTypes: ["g6e.12xlarge"],
      gpusPerInstance: 4,
      onDemandPercentageAboveBaseCapacity: 100,
    },
  },
];

describe("renderTemplates", () => {
  it.each(everything.map((plans, i) => [i, plans] as const))(
    "plan set %i: every file parses",
    async (_, plans) => {
      const { files, notes } = renderTemplates(plans, TEMPLATE_TARGET_IDS);
      expect(files.map((file) => file.path).sort()).toEqual([
        "axolotl/config.yaml",
        "cloudformation/fleet.yaml",
        "kubernetes/deployment.yaml",
        "peft/lora_config.json",
        "peft/lora_config.py",
        "terraform/hcl/main.tf",
        "terraform/json/main.tf.json",
        "tgi/docker-run.sh",
        "tgi/launch.sh",
        "vllm/config.yaml",
        "vllm/docker-run.sh",
        "vllm/serve.sh",
      ]);
      for (const file of files) {
        expect(file.contents.endsWith("\n"), file.path).toBe(true);
        if (file.path.endsWith(".yaml"))
          expect(typeof parse(file.contents), file.path).toBe("object");
        if (file.path.endsWith(".json"))
          expect(typeof JSON.parse(file.contents), file.path).toBe("object");
        if (file.path.endsWith(".sh")) expect(bashSyntaxError(file.contents), file.path).toBe("");
        if (file.path.endsWith(".tf"))
          await expect(parseHcl(file.path, file.contents)).resolves.toBeTypeOf("object");
      }
      expect(new Set(notes).size).toBe(notes.length);
    },
  );

  it("rejects unknown targets and targets whose plan is missing", () => {
    expect(() => renderTemplates({ serving: llama3_70bBf16() }, ["helm"])).toThrow(
      InvalidOptionError,
    );
    expect(() => renderTemplates({ serving: llama3_70bBf16() }, ["terraform"])).toThrow(
      /needs the infra plan/,
    );
    expect(() => renderTemplates({}, ["axolotl"])).toThrow(/needs the training plan/);
    expect(renderTemplates({ serving: llama3_70bBf16() }, ["vllm", "k8s"]).files).toHaveLength(4);
  });

  it("every engine rule names its engine, its handling and a source", () => {
    for (const [id, rule] of Object.entries(ENGINE_RULES)) {
      expect(id.startsWith(`${rule.engine}/`), id).toBe(true);
      expect(["throw", "fix", "note", "construct"]).toContain(rule.handling);
      expect(rule.source.length).toBeGreaterThan(10);
    }
  });

  it("docs/templates.md documents every engine rule", () => {
    const docs = readFileSync(
      join(import.meta.dirname, "..", "..", "..", "docs", "templates.md"),
      "utf8",
    );
    for (const id of Object.keys(ENGINE_RULES)) expect(docs, id).toContain(`\`${id}\``);
  });
});
