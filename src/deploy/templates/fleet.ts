/**
 * The part the Terraform and CloudFormation templates share: an {@link InfraPlan} checked and
 * defaulted, the replicas that fit on one instance, and the instance's start-up script that runs
 * them (one vLLM container per replica, each pinned to its own GPUs).
 */
import { InvalidOptionError } from "../../errors.js";
import {
  DLAMI_SSM_PARAMETER,
  SPOT_ALLOCATION_STRATEGIES,
  type SpotAllocationStrategy,
} from "./aws-catalog.js";
import { engineRuleError } from "./engine-rules.js";
import type { FleetPlan, InfraPlan, ScalingMetric } from "./plans.js";
import { formatCommand, quoteShellWord, shellComment } from "./shell.js";
import { vllmDockerLines, vllmServeArgs, type VllmServeArgs } from "./vllm.js";
import {
  optionalChoice,
  optionalInteger,
  optionalNumber,
  optionalText,
  requireInteger,
  requireText,
} from "./validate.js";

/** Defaults of {@link InfraPlan}, applied in {@link resolveFleetPlan}. */
export const DEFAULT_INFRA_PLAN = {
  minSize: 1,
  /** The group may grow to at least this many instances. */
  maxSize: 4,
  onDemandBaseCapacity: 1,
  onDemandPercentageAboveBaseCapacity: 0,
  spotAllocationStrategy: "price-capacity-optimized",
  scalingMetric: "queue-depth",
  scalingTargetValue: 4,
  scalingNamespace: "vramfit/vllm",
  rootVolumeGiB: 500,
  healthCheckGracePeriodSeconds: 1200,
  amiSsmParameter: DLAMI_SSM_PARAMETER,
  hfTokenSsmParameter: "/vramfit/hf-token",
} as const;

/**
 * The CloudWatch agent's Ubuntu package, from the URL AWS documents ("Download and install the
 * CloudWatch agent using the command line", CloudWatch user guide).
 */
export const CLOUDWATCH_AGENT_DEB_URL =
  "https://amazoncloudwatch-agent.s3.amazonaws.com/ubuntu/amd64/latest/amazon-cloudwatch-agent.deb";

/** The agent's install folder and control script (CloudWatch user guide, same page). */
const CLOUDWATCH_AGENT_DIR = "/opt/aws/amazon-cloudwatch-agent";

/**
 * The CloudWatch metric each scaling choice tracks: vLLM's Prometheus gauge, published under a
 * CloudWatch-safe name by whatever scrapes it (vLLM docs, "Production metrics").
 */
export const SCALING_METRICS = {
  "queue-depth": {
    prometheus: "vllm:num_requests_waiting",
    cloudWatch: "vllm_num_requests_waiting",
  },
  "running-requests": {
    prometheus: "vllm:num_requests_running",
    cloudWatch: "vllm_num_requests_running",
  },
} as const satisfies Record<
  ScalingMetric,
  { readonly prometheus: string; readonly cloudWatch: string }
>;

/** A fleet plan checked, with every default applied and the instance layout worked out. */
export interface ResolvedFleetPlan {
  /** The replica's vLLM flags (rules applied). */
  readonly serve: VllmServeArgs;
  readonly region: string;
  readonly instanceTypes: readonly string[];
  readonly gpusPerInstance: number;
  /** Replicas one instance runs: ⌊GPUs per instance / GPUs per replica⌋. */
  readonly replicasPerInstance: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number | undefined;
  readonly onDemandBaseCapacity: number;
  readonly onDemandPercentageAboveBaseCapacity: number;
  readonly spotAllocationStrategy: SpotAllocationStrategy;
  readonly scaling: {
    readonly metric: ScalingMetric;
    readonly metricName: string;
    readonly namespace: string;
    readonly targetValue: number;
  };
  readonly namePrefix: string;
  readonly rootVolumeGiB: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly amiSsmParameter: string;
  /** SSM parameter (SecureString) the instances read `HF_TOKEN` from. */
  readonly hfTokenSsmParameter: string;
  /** The CloudWatch agent config (JSON) that publishes the scaling metric from vLLM's `/metrics`. */
  readonly cloudWatchAgentConfig: string;
  /** The Prometheus scrape config the agent reads. */
  readonly prometheusScrapeConfig: string;
  /** The container image every replica runs. */
  readonly image: string;
  /** The instance's start-up script (bash). */
  readonly userData: string;
  /** Defaults applied and facts the reader must act on. */
  readonly notes: readonly string[];
}

/** Options of the fleet templates. */
export interface FleetOptions {
  /**
   * Container image of every replica.
   * @default the plan's release image (`VLLM_RELEASES`), or the bitsandbytes-plugin build
   */
  readonly image?: string | undefined;
}

/** A lower-case, hyphenated short name of a model for resource names (at most 32 characters). */
export function resourceSlug(modelId: string): string {
  const name = modelId.split("/").at(-1) ?? modelId;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
  return slug === "" ? "model" : slug;
}

/**
 * Checks a fleet plan, applies {@link DEFAULT_INFRA_PLAN} and works out how many replicas run on
 * each instance.
 *
 * @throws {InvalidOptionError} for a malformed plan or sizes out of order (min ≤ desired ≤ max).
 * @throws {EngineRuleError} when one replica needs more GPUs than an instance has, or vLLM refuses the serving plan.
 */
export function resolveFleetPlan(fleet: FleetPlan, options: FleetOptions = {}): ResolvedFleetPlan {
  const serve = vllmServeArgs(fleet.serving);
  const infra: InfraPlan = fleet.infra;
  const notes = [...serve.notes];

  const region = requireText("infra.region", infra.region, "us-east-1");
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new InvalidOptionError("infra.region", `"${region}" is not an AWS region name`, {
      hint: 'Use a region code such as "us-east-1".',
    });
  }
  const instanceTypes = resolveInstanceTypes(infra.instanceTypes);
  const gpusPerInstance = requireInteger("infra.gpusPerInstance", infra.gpusPerInstance);
  if (gpusPerInstance > MAX_GPUS_PER_INSTANCE) {
    // The start-up script holds one command per replica: bound it before building it.
    throw new InvalidOptionError(
      "infra.gpusPerInstance",
      `${gpusPerInstance} GPUs is more than any instance has (at most ${MAX_GPUS_PER_INSTANCE} here)`,
      { hint: "Pass the GPU count of the EC2 instance type, e.g. 8 for p5.48xlarge." },
    );
  }
  const perReplica = serve.plan.gpusPerReplica;
  if (perReplica > gpusPerInstance) {
    throw engineRuleError(
      "aws/replica-fits-instance",
      `One replica needs ${perReplica} GPUs (TP ${serve.plan.tensorParallel} × PP ${serve.plan.pipelineParallel}) but ${instanceTypes[0] ?? "the instance"} has ${gpusPerInstance}`,
      "Pick an instance type with more GPUs, or lower the tensor/pipeline parallel size (e.g. a quantized checkpoint).",
    );
  }
  const fit = Math.floor(gpusPerInstance / perReplica);
  const replicasPerInstance =
    optionalInteger("infra.replicasPerInstance", infra.replicasPerInstance, 1, fit) ?? fit;
  const idle = gpusPerInstance - replicasPerInstance * perReplica;
  notes.push(
    `${replicasPerInstance} replica(s) per instance: ${perReplica} GPU(s) each on a ${gpusPerInstance}-GPU instance${idle > 0 ? ` (${idle} GPU(s) idle but rented)` : ""}`,
  );

  const minSize = optionalInteger("infra.minSize", infra.minSize, 0) ?? DEFAULT_INFRA_PLAN.minSize;
  const maxSize =
    optionalInteger("infra.maxSize", infra.maxSize) ??
    Math.max(minSize, DEFAULT_INFRA_PLAN.maxSize);
  const desiredCapacity = optionalInteger("infra.desiredCapacity", infra.desiredCapacity, 0);
  if (
    maxSize < minSize ||
    (desiredCapacity !== undefined && (desiredCapacity < minSize || desiredCapacity > maxSize))
  ) {
    throw new InvalidOptionError(
      "infra.maxSize",
      `sizes out of order: min ${minSize}, desired ${desiredCapacity ?? "unset"}, max ${maxSize}`,
      { hint: "Keep minSize ≤ desiredCapacity ≤ maxSize." },
    );
  }
  if (infra.minSize === undefined || infra.maxSize === undefined) {
    notes.push(
      `group size: min ${minSize}, max ${maxSize}${infra.maxSize === undefined ? " (default)" : ""}`,
    );
  }
  if (desiredCapacity !== undefined) {
    notes.push(
      "desiredCapacity is set: each apply resets it, undoing what the scaling policy chose; leave it out once the policy runs",
    );
  }

  const onDemandBaseCapacity =
    optionalInteger("infra.onDemandBaseCapacity", infra.onDemandBaseCapacity, 0) ??
    DEFAULT_INFRA_PLAN.onDemandBaseCapacity;
  const onDemandPercentageAboveBaseCapacity =
    optionalInteger(
      "infra.onDemandPercentageAboveBaseCapacity",
      infra.onDemandPercentageAboveBaseCapacity,
      0,
      100,
    ) ?? DEFAULT_INFRA_PLAN.onDemandPercentageAboveBaseCapacity;
  const spotAllocationStrategy =
    optionalChoice(
      "infra.spotAllocationStrategy",
      infra.spotAllocationStrategy,
      SPOT_ALLOCATION_STRATEGIES,
    ) ?? DEFAULT_INFRA_PLAN.spotAllocationStrategy;
  if (onDemandPercentageAboveBaseCapacity < 100) {
    notes.push(
      `capacity: ${onDemandBaseCapacity} On-Demand instance(s), then ${100 - onDemandPercentageAboveBaseCapacity} % Spot (${spotAllocationStrategy}); Spot can be reclaimed at two minutes' notice, so latency-critical serving may want onDemandPercentageAboveBaseCapacity 100`,
    );
  }

  const metric =
    optionalChoice("infra.scaling.metric", infra.scaling?.metric, [
      "queue-depth",
      "running-requests",
    ] as const) ?? DEFAULT_INFRA_PLAN.scalingMetric;
  const targetValue =
    optionalNumber(
      "infra.scaling.targetValue",
      infra.scaling?.targetValue,
      { min: 0, max: 1_000_000, exclusiveMin: true },
      "Pass the per-instance average to hold, e.g. 4 waiting requests.",
    ) ?? DEFAULT_INFRA_PLAN.scalingTargetValue;
  const namespace =
    optionalText("infra.scaling.namespace", infra.scaling?.namespace, "vramfit/vllm") ??
    DEFAULT_INFRA_PLAN.scalingNamespace;
  const names = SCALING_METRICS[metric];
  notes.push(
    `scaling: target tracking on ${namespace} ${names.cloudWatch} (vLLM's ${names.prometheus}) = ${targetValue} per replica; the start-up script installs the CloudWatch agent, which scrapes each replica's /metrics and publishes it with the dimension AutoScalingGroupName (the instance profile allows it)`,
  );

  const namePrefix =
    optionalText("infra.namePrefix", infra.namePrefix, "vramfit-llama-") ??
    `vramfit-${resourceSlug(serve.plan.modelId)}-`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/.test(namePrefix)) {
    throw new InvalidOptionError(
      "infra.namePrefix",
      `"${namePrefix}" is not a usable name prefix`,
      {
        hint: "Use up to 48 letters, digits, '.', '_' or '-'.",
      },
    );
  }
  const rootVolumeGiB =
    optionalInteger("infra.rootVolumeGiB", infra.rootVolumeGiB, 8, 16_384) ??
    DEFAULT_INFRA_PLAN.rootVolumeGiB;
  const healthCheckGracePeriodSeconds =
    optionalInteger(
      "infra.healthCheckGracePeriodSeconds",
      infra.healthCheckGracePeriodSeconds,
      0,
      7200,
    ) ?? DEFAULT_INFRA_PLAN.healthCheckGracePeriodSeconds;
  if (infra.healthCheckGracePeriodSeconds === undefined) {
    notes.push(
      `health check grace period and instance warm-up: default ${healthCheckGracePeriodSeconds} s (weights download and load take minutes)`,
    );
  }
  const amiSsmParameter =
    optionalText("infra.amiSsmParameter", infra.amiSsmParameter, DLAMI_SSM_PARAMETER) ??
    DEFAULT_INFRA_PLAN.amiSsmParameter;
  const image = optionalText("options.image", options.image, serve.image) ?? serve.image;
  const hfTokenSsmParameter =
    optionalText("infra.hfTokenSsmParameter", infra.hfTokenSsmParameter, "/vramfit/hf-token") ??
    DEFAULT_INFRA_PLAN.hfTokenSsmParameter;
  if (!/^\/[A-Za-z0-9_.\-/]{1,1010}$/.test(hfTokenSsmParameter)) {
    throw new InvalidOptionError(
      "infra.hfTokenSsmParameter",
      `"${hfTokenSsmParameter}" is not an SSM parameter name`,
      { hint: 'Use a path such as "/vramfit/hf-token" (letters, digits, "_", ".", "-", "/").' },
    );
  }
  notes.push(
    `HF_TOKEN: read at boot from the SSM SecureString ${hfTokenSsmParameter} (create it: aws ssm put-parameter --type SecureString --name ${hfTokenSsmParameter} --value <token>); the instance profile may read only that parameter`,
  );
  const agent = cloudWatchAgentFiles(serve, replicasPerInstance, namespace);

  return {
    serve,
    region,
    instanceTypes,
    gpusPerInstance,
    replicasPerInstance,
    minSize,
    maxSize,
    desiredCapacity,
    onDemandBaseCapacity,
    onDemandPercentageAboveBaseCapacity,
    spotAllocationStrategy,
    scaling: { metric, metricName: names.cloudWatch, namespace, targetValue },
    namePrefix,
    rootVolumeGiB,
    healthCheckGracePeriodSeconds,
    amiSsmParameter,
    hfTokenSsmParameter,
    cloudWatchAgentConfig: agent.config,
    prometheusScrapeConfig: agent.prometheus,
    image,
    userData: userDataScript(serve, {
      replicas: replicasPerInstance,
      gpusPerInstance,
      image,
      region,
      hfTokenSsmParameter,
      agent,
    }),
    notes,
  };
}

function resolveInstanceTypes(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(
      "infra.instanceTypes",
      "expected a non-empty list of instance types",
      {
        hint: 'e.g. ["p4de.24xlarge", "p5.48xlarge"].',
      },
    );
  }
  const types = value.map((type, index) =>
    requireText(`infra.instanceTypes[${index}]`, type, "p4de.24xlarge"),
  );
  for (const type of types) {
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) {
      throw new InvalidOptionError("infra.instanceTypes", `"${type}" is not an EC2 instance type`, {
        hint: 'Use EC2 names such as "g6e.12xlarge" (no "ml." prefix).',
      });
    }
  }
  if (new Set(types).size !== types.length) {
    throw new InvalidOptionError("infra.instanceTypes", "lists an instance type twice", {
      hint: "List each instance type once.",
    });
  }
  return types;
}

/**
 * The CloudWatch agent's config: Prometheus scraping of every replica's `/metrics` on the instance,
 * published as embedded-metric-format logs into the scaling namespace with the group's name as the
 * dimension (CloudWatch user guide, "Set up and configure Prometheus metrics collection on Amazon EC2
 * instances"). vLLM's names carry a colon (`vllm:num_requests_waiting`); a relabel rule writes them
 * as `vllm_...`, the names the scaling policy tracks.
 */
function cloudWatchAgentFiles(
  serve: VllmServeArgs,
  replicas: number,
  namespace: string,
): { readonly config: string; readonly prometheus: string } {
  const port = serve.plan.port;
  const targets = Array.from({ length: replicas }, (_, i) => `localhost:${port + i}`);
  const prometheus = JSON.stringify({
    global: { scrape_interval: "15s", scrape_timeout: "10s" },
    scrape_configs: [
      {
        job_name: "vllm",
        metrics_path: "/metrics",
        // The group name is filled in at boot from the instance's tags (see the start-up script).
        static_configs: [{ targets, labels: { AutoScalingGroupName: "__ASG_NAME__" } }],
        metric_relabel_configs: [
          {
            source_labels: ["__name__"],
            regex: "vllm:(.*)",
            target_label: "__name__",
            replacement: "vllm_$1",
          },
        ],
      },
    ],
  });
  const config = JSON.stringify({
    agent: { region: "__REGION__" },
    logs: {
      metrics_collected: {
        prometheus: {
          log_group_name: "/vramfit/vllm/prometheus",
          prometheus_config_path: `${CLOUDWATCH_AGENT_DIR}/etc/prometheus.yaml`,
          emf_processor: {
            metric_namespace: namespace,
            metric_declaration: [
              {
                source_labels: ["job"],
                label_matcher: "^vllm$",
                dimensions: [["AutoScalingGroupName"]],
                metric_selectors: Object.values(SCALING_METRICS).map(
                  (names) => `^${names.cloudWatch}$`,
                ),
              },
            ],
          },
        },
      },
    },
  });
  return { config, prometheus };
}

/**
 * The bash start-up script: the HF token from SSM, the CloudWatch agent that publishes the scaling
 * metric, then one detached vLLM container per replica, GPUs 0..n split in order.
 */
function userDataScript(
  serve: VllmServeArgs,
  options: {
    readonly replicas: number;
    readonly gpusPerInstance: number;
    readonly image: string;
    readonly region: string;
    readonly hfTokenSsmParameter: string;
    readonly agent: { readonly config: string; readonly prometheus: string };
  },
): string {
  const { replicas, gpusPerInstance, image, region, hfTokenSsmParameter, agent } = options;
  const { plan } = serve;
  const perReplica = plan.gpusPerReplica;
  const cacheDir = "/opt/dlami/nvme/huggingface";
  const commands = Array.from({ length: replicas }, (_, replica) => {
    const devices = Array.from({ length: perReplica }, (_, i) => replica * perReplica + i);
    return formatCommand(
      vllmDockerLines(serve, {
        image,
        // Docker's syntax for a device list: the value itself is double-quoted.
        gpus: `"device=${devices.join(",")}"`,
        hostPort: plan.port + replica,
        cacheDir: `${cacheDir}:/root/.cache/huggingface`,
        detach: { name: `vllm-${replica}` },
      }),
    );
  });
  const script = [
    "#!/bin/bash",
    shellComment(
      `${replicas} vLLM replica(s) of ${plan.modelId} on a ${gpusPerInstance}-GPU instance: TP ${plan.tensorParallel} × PP ${plan.pipelineParallel} GPUs each, ports ${plan.port}..${plan.port + replicas - 1}. Generated by vramfit.`,
    ),
    "set -euo pipefail",
    shellComment(
      "HF_TOKEN (gated models) from SSM Parameter Store through the instance profile; the token itself is never in this file.",
    ),
    `HF_TOKEN="$(aws ssm get-parameter --region ${quoteShellWord(region)} --name ${quoteShellWord(hfTokenSsmParameter)} --with-decryption --query Parameter.Value --output text)"`,
    "export HF_TOKEN",
    shellComment(
      "The CloudWatch agent publishes vLLM's queue metrics, which the scaling policy tracks, per autoscaling group.",
    ),
    'IMDS_TOKEN="$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")"',
    'ASG_NAME="$(curl -sS -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" http://169.254.169.254/latest/meta-data/tags/instance/aws:autoscaling:groupName)"',
    `curl -sSfo /tmp/amazon-cloudwatch-agent.deb ${CLOUDWATCH_AGENT_DEB_URL}`,
    "dpkg -i -E /tmp/amazon-cloudwatch-agent.deb",
    `cat > ${CLOUDWATCH_AGENT_DIR}/etc/prometheus.yaml <<'PROMETHEUS'`,
    agent.prometheus,
    "PROMETHEUS",
    `cat > ${CLOUDWATCH_AGENT_DIR}/etc/vramfit-agent.json <<'AGENT'`,
    agent.config,
    "AGENT",
    `sed -i "s|__ASG_NAME__|$ASG_NAME|" ${CLOUDWATCH_AGENT_DIR}/etc/prometheus.yaml`,
    `sed -i "s|__REGION__|${region}|" ${CLOUDWATCH_AGENT_DIR}/etc/vramfit-agent.json`,
    `${CLOUDWATCH_AGENT_DIR}/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_DIR}/etc/vramfit-agent.json`,
    `mkdir -p ${cacheDir}`,
    ...commands,
    "",
  ].join("\n");
  const bytes = new TextEncoder().encode(script).length;
  if (bytes > USER_DATA_LIMIT_BYTES) {
    throw engineRuleError(
      "aws/user-data-16kb",
      `The start-up script of ${replicas} replicas is ${bytes} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}`,
      "Use an instance type with fewer GPUs (so fewer replicas per instance), or list fewer LoRA adapters.",
    );
  }
  return script;
}

/** The AWS managed policy the CloudWatch agent needs to publish metrics (CloudWatch user guide). */
export const CLOUDWATCH_AGENT_POLICY_ARN = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";

/** The instance role's trust policy: EC2 may assume it. */
export function instanceAssumeRolePolicy(): PlainPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  };
}

/** The instance role's own policy: read the one SSM parameter that holds the token. */
export function hfTokenReadPolicy(fleet: ResolvedFleetPlan): PlainPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: `arn:aws:ssm:${fleet.region}:*:parameter${fleet.hfTokenSsmParameter}`,
      },
    ],
  };
}

/** An IAM policy document as plain data. */
export interface PlainPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly {
    readonly Effect: "Allow";
    readonly Principal?: { readonly Service: string };
    readonly Action: string;
    readonly Resource?: string;
  }[];
}

/** Most GPUs one instance may have: EC2's largest have 8 or 16 accelerators. */
const MAX_GPUS_PER_INSTANCE = 64;

/** EC2's limit on user data before base64 encoding (16 KB). */
const USER_DATA_LIMIT_BYTES = 16_384;
