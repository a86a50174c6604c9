/**
 * A Kubernetes Deployment that runs one vLLM replica per pod, following vLLM's Kubernetes guide:
 * `nvidia.com/gpu` limits equal to TP × PP, /dev/shm as an in-memory volume (NCCL between
 * tensor-parallel ranks), the Hugging Face cache on a volume, the token from a Secret, and a
 * generous start-up probe for the minutes a large model takes to load.
 */
import { InvalidOptionError } from "../../errors.js";
import { resourceSlug } from "./fleet.js";
import { KUBERNETES_CATALOG, NVIDIA_GPU_RESOURCE } from "./kubernetes-catalog.js";
import type { ServingPlan, TemplateOutput } from "./plans.js";
import { optionalInteger, optionalText } from "./validate.js";
import { vllmArgWords, vllmServeArgs } from "./vllm.js";
import { toYaml, type PlainObject } from "./yaml.js";

/** Options of {@link renderKubernetesDeployment}. */
export interface KubernetesOptions {
  /**
   * Pods (replicas of the server).
   * @default 1
   */
  readonly replicas?: number | undefined;
  /** Namespace; left out by default (kubectl's current namespace). */
  readonly namespace?: string | undefined;
  /**
   * Deployment name (DNS-1123).
   * @default "<model name>-vllm"
   */
  readonly name?: string | undefined;
  /**
   * Container image.
   * @default the plan's release image (`VLLM_RELEASES`), or the bitsandbytes-plugin build
   */
  readonly image?: string | undefined;
  /**
   * Size of the in-memory /dev/shm volume in GiB (2^30 bytes).
   * @default 16
   */
  readonly shmSizeGiB?: number | undefined;
  /**
   * PersistentVolumeClaim holding the Hugging Face cache.
   * @default "hf-cache"
   */
  readonly hfCacheClaimName?: string | undefined;
  /**
   * Secret with the Hugging Face token under the key `token`.
   * @default "hf-token-secret"
   */
  readonly hfTokenSecretName?: string | undefined;
  /** Node labels the pods must match, e.g. `{ "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" }`. */
  readonly nodeSelector?: Readonly<Record<string, string>> | undefined;
}

/** A rendered Kubernetes Deployment. */
export interface KubernetesDeployment extends TemplateOutput {
  /** The manifest as data. */
  readonly manifest: PlainObject;
  /** The YAML text. */
  readonly yaml: string;
}

const DNS_1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Renders a Deployment for a serving plan.
 *
 * @throws {InvalidOptionError} for a malformed plan or option.
 * @throws {EngineRuleError} for a plan vLLM refuses at start-up.
 */
export function renderKubernetesDeployment(
  plan: ServingPlan,
  options: KubernetesOptions = {},
): KubernetesDeployment {
  const serve = vllmServeArgs(plan);
  const resolved = serve.plan;
  const notes = [...serve.notes];
  const name =
    optionalText("options.name", options.name, "llama3-70b-vllm") ??
    `${resourceSlug(resolved.modelId)}-vllm`;
  const namespace = optionalText("options.namespace", options.namespace, "inference");
  for (const [option, value] of [
    ["options.name", name],
    ["options.namespace", namespace],
  ] as const) {
    if (value !== undefined && !DNS_1123.test(value)) {
      throw new InvalidOptionError(option, `"${value}" is not a DNS-1123 label`, {
        hint: "Use lower-case letters, digits and '-', at most 63 characters.",
      });
    }
  }
  const replicas = optionalInteger("options.replicas", options.replicas, 0) ?? 1;
  const image = optionalText("options.image", options.image, serve.image) ?? serve.image;
  const shmSizeGiB = optionalInteger("options.shmSizeGiB", options.shmSizeGiB) ?? 16;
  const claimName =
    optionalText("options.hfCacheClaimName", options.hfCacheClaimName, "hf-cache") ?? "hf-cache";
  const secretName =
    optionalText("options.hfTokenSecretName", options.hfTokenSecretName, "hf-token-secret") ??
    "hf-token-secret";
  // Extended resources are quantities written as strings ("2").
  const gpus = String(resolved.gpusPerReplica);
  const labels = { app: name };
  const probe = { httpGet: { path: "/health", port: resolved.port } };

  const podSpec: Record<string, PlainObject[] | PlainObject> = {
    containers: [
      {
        name: "vllm",
        image,
        // The image's entrypoint is `vllm serve`: the arguments start with the model.
        args: [resolved.modelId, ...serve.args.flatMap(vllmArgWords)],
        env: [
          { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: secretName, key: "token" } } },
        ],
        ports: [{ containerPort: resolved.port, name: "http" }],
        resources: {
          limits: { [NVIDIA_GPU_RESOURCE]: gpus },
          requests: { [NVIDIA_GPU_RESOURCE]: gpus },
        },
        volumeMounts: [
          { name: "shm", mountPath: "/dev/shm" },
          { name: "hf-cache", mountPath: "/root/.cache/huggingface" },
        ],
        readinessProbe: { ...probe, periodSeconds: 5 },
        startupProbe: { ...probe, periodSeconds: 10, failureThreshold: 90 },
      },
    ],
    volumes: [
      { name: "shm", emptyDir: { medium: "Memory", sizeLimit: `${shmSizeGiB}Gi` } },
      { name: "hf-cache", persistentVolumeClaim: { claimName } },
    ],
  };
  if (options.nodeSelector !== undefined) {
    podSpec.nodeSelector = { ...options.nodeSelector };
  } else if (resolved.gpuName !== undefined) {
    notes.push(`nodeSelector: none; pass one to pin the pods to ${resolved.gpuName} nodes`);
  }

  const manifest: PlainObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, ...(namespace === undefined ? {} : { namespace }), labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec },
    },
  };
  notes.push(
    `${NVIDIA_GPU_RESOURCE}: ${gpus} per pod (TP ${resolved.tensorParallel} × PP ${resolved.pipelineParallel}); the token comes from Secret ${secretName}, key token; CPU and memory requests are left to you`,
  );
  const path = "kubernetes/deployment.yaml";
  const yaml = toYaml(manifest, {
    comments: [
      `kubectl apply -f deployment.yaml  (needs the NVIDIA device plugin, PVC ${claimName} and Secret ${secretName})`,
      `vLLM ${resolved.modelId} on ${gpus} × ${resolved.gpuName ?? "GPU"} per pod; generated by vramfit.`,
      `Fields: ${KUBERNETES_CATALOG.version}; pattern: ${KUBERNETES_CATALOG.source}.`,
    ],
  });
  return { manifest, yaml, files: [{ path, contents: yaml }], notes };
}
