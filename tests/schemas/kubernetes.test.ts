/**
 * The Kubernetes Deployment against `kubernetes-models` 4.5.1 (validators generated from the
 * Kubernetes OpenAPI schema of apps/v1): required fields and value types. Those validators accept
 * unknown keys, so unknown names are caught by the key table (`KUBERNETES_DEPLOYMENT_KEYS`).
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { describe, expect, it } from "vitest";
import { renderKubernetesDeployment, type ServingPlan } from "../../src/deploy.js";
import type { KeyTree } from "../../src/deploy/templates/catalog-types.js";
import { KUBERNETES_DEPLOYMENT_KEYS } from "../../src/deploy/templates/kubernetes-catalog.js";
import { llama3_70bAwq, llama3_70bBf16, unknownKeys } from "../helpers/templates.js";

const plans: Record<string, ServingPlan> = {
  "BF16 TP 2": llama3_70bBf16(),
  FP8: { ...llama3_70bBf16(), weights: "fp8" },
  "INT4 pre-quantized route": { ...llama3_70bBf16(), tensorParallel: 1, weights: "int4-g128" },
  "INT4 bitsandbytes plugin image": {
    ...llama3_70bBf16(),
    tensorParallel: 1,
    weights: "int4",
    int4Route: "bitsandbytes",
  },
  "AWQ checkpoint with LoRA": { ...llama3_70bAwq(), lora: { maxRank: 16 } },
};

function validate(manifest: unknown): void {
  new Deployment(manifest as ConstructorParameters<typeof Deployment>[0]).validate();
}

describe("Kubernetes Deployment against kubernetes-models (apps/v1)", () => {
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: valid, and every key is a known one`, () => {
      const { manifest } = renderKubernetesDeployment(plan);
      expect(() => {
        validate(manifest);
      }).not.toThrow();
      expect(unknownKeys(manifest, KUBERNETES_DEPLOYMENT_KEYS as KeyTree)).toEqual([]);
    });
  }

  it("negative controls: a mistyped value fails the schema, a wrong key fails the key table", () => {
    const { manifest } = renderKubernetesDeployment(llama3_70bBf16());
    const mistyped = structuredClone(manifest) as { spec: Record<string, unknown> };
    mistyped.spec.replicas = "2";
    expect(() => {
      validate(mistyped);
    }).toThrow();
    const misspelled = structuredClone(manifest) as { spec: Record<string, unknown> };
    misspelled.spec.replica = 2;
    expect(unknownKeys(misspelled, KUBERNETES_DEPLOYMENT_KEYS as KeyTree)).toEqual([
      "spec.replica",
    ]);
  });
});
