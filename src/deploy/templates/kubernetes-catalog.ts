/**
 * The Kubernetes `apps/v1` Deployment fields the vLLM Deployment template uses, following the
 * pattern of vLLM's own Kubernetes guide (GPU limits, /dev/shm in memory, HF cache on a volume,
 * the token from a Secret, health probes).
 */
import type { CatalogProvenance, KeyTree } from "./catalog-types.js";

/** Where the Deployment's field names come from. */
export const KUBERNETES_CATALOG: CatalogProvenance = {
  tool: "Kubernetes",
  version: "apps/v1 Deployment (Kubernetes API reference, v1.30+)",
  source:
    "kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/; vllm-project/vllm docs/deployment/k8s.md @ 051f9b8",
  recordedOn: "2026-11-28",
};

/** The extended resource name of an NVIDIA GPU (NVIDIA device plugin). */
export const NVIDIA_GPU_RESOURCE = "nvidia.com/gpu";

const PROBE = {
  httpGet: { path: true, port: true },
  periodSeconds: true,
  failureThreshold: true,
} as const;

/** Fields of a Deployment the template may write; `limits` and `requests` are maps of resource names. */
export const KUBERNETES_DEPLOYMENT_KEYS = {
  apiVersion: true,
  kind: true,
  metadata: { name: true, namespace: true, labels: { "*": true } },
  spec: {
    replicas: true,
    selector: { matchLabels: { "*": true } },
    template: {
      metadata: { labels: { "*": true } },
      spec: {
        nodeSelector: { "*": true },
        containers: {
          name: true,
          image: true,
          args: true,
          env: { name: true, valueFrom: { secretKeyRef: { name: true, key: true } } },
          ports: { containerPort: true, name: true },
          resources: { limits: { "*": true }, requests: { "*": true } },
          volumeMounts: { name: true, mountPath: true },
          readinessProbe: PROBE,
          startupProbe: PROBE,
        },
        volumes: {
          name: true,
          emptyDir: { medium: true, sizeLimit: true },
          persistentVolumeClaim: { claimName: true },
        },
      },
    },
  },
} as const satisfies KeyTree;
