import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderKubernetesDeployment, renderVllmCommand } from "../../../src/deploy.js";
import { InvalidOptionError } from "../../../src/index.js";
import type { KeyTree } from "../../../src/deploy/templates/catalog-types.js";
import { KUBERNETES_DEPLOYMENT_KEYS } from "../../../src/deploy/templates/kubernetes-catalog.js";
import { llama3_70bAwq, llama3_70bBf16, unknownKeys } from "../../helpers/templates.js";

describe("Kubernetes Deployment", () => {
  const manifest = parse(renderKubernetesDeployment(llama3_70bBf16()).yaml);
  const container = manifest.spec.template.spec.containers[0];

  it("requests and limits nvidia.com/gpu = TP × PP = 2 (as a string quantity, per vLLM's k8s guide)", () => {
    expect(container.resources.limits["nvidia.com/gpu"]).toBe("2");
    expect(container.resources.requests["nvidia.com/gpu"]).toBe("2");
    const awq = parse(renderKubernetesDeployment(llama3_70bAwq()).yaml);
    expect(awq.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]).toBe("1");
  });

  it("runs the image's vllm serve with the model first and the command's flags", () => {
    const { argv } = renderVllmCommand(llama3_70bBf16());
    expect(container.args).toEqual(argv.slice(2));
  });

  it("mounts /dev/shm in memory, the HF cache and the token from a Secret", () => {
    expect(container.volumeMounts).toContainEqual({ name: "shm", mountPath: "/dev/shm" });
    expect(manifest.spec.template.spec.volumes).toContainEqual({
      name: "shm",
      emptyDir: { medium: "Memory", sizeLimit: "16Gi" },
    });
    expect(container.env).toEqual([
      { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token-secret", key: "token" } } },
    ]);
    expect(container.startupProbe.httpGet).toEqual({ path: "/health", port: 8000 });
  });

  it("uses only catalogued fields; the selector matches the pod labels", () => {
    expect(unknownKeys(manifest, KUBERNETES_DEPLOYMENT_KEYS as KeyTree)).toEqual([]);
    expect(manifest.spec.selector.matchLabels).toEqual(manifest.spec.template.metadata.labels);
    expect(manifest.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("takes a namespace, replicas and a node selector, and refuses names Kubernetes refuses", () => {
    const custom = parse(
      renderKubernetesDeployment(llama3_70bBf16(), {
        namespace: "inference",
        replicas: 3,
        nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" },
      }).yaml,
    );
    expect(custom.metadata.namespace).toBe("inference");
    expect(custom.spec.replicas).toBe(3);
    expect(custom.spec.template.spec.nodeSelector).toEqual({
      "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB",
    });
    expect(() => renderKubernetesDeployment(llama3_70bBf16(), { name: "Llama_70B" })).toThrow(
      InvalidOptionError,
    );
  });
});
