import { resolveFleetPlan } from "../../../src/deploy/templates/fleet.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  renderCloudFormationYaml,
  renderTerraformHcl,
  renderTerraformJson,
  renderVllmCommand,
  type FleetPlan,
} from "../../../src/deploy.js";
import { InvalidOptionError } from "../../../src/index.js";
import {
  CLOUDFORMATION_INTRINSICS,
  CLOUDFORMATION_RESOURCE_PROPERTIES,
  CLOUDFORMATION_TEMPLATE_KEYS,
  TERRAFORM_AWS_ENUMS,
  TERRAFORM_AWS_KEYS,
  TERRAFORM_AWS_REMOVED_ARGUMENTS,
} from "../../../src/deploy/templates/aws-catalog.js";
import type { KeyTree } from "../../../src/deploy/templates/catalog-types.js";
import {
  allKeys,
  bashSyntaxError,
  bashWords,
  engineRuleOf,
  hclToTerraformJson,
  llama3_70bAwq,
  llama3_70bBf16,
  unknownKeys,
  unwrapSingletons,
} from "../../helpers/templates.js";

/** templates.md §4.2's fleet: TP 2 on 8 × 80 GB instances (p4de.24xlarge, p5.48xlarge as the Spot alternative). */
const bf16Fleet: FleetPlan = {
  serving: llama3_70bBf16(),
  infra: {
    region: "us-east-1",
    instanceTypes: ["p4de.24xlarge", "p5.48xlarge"],
    gpusPerInstance: 8,
    minSize: 1,
    maxSize: 4,
  },
};

/** The AWQ checkpoint on 4-GPU instances (g6e.12xlarge: 4 × L40S 48 GB), one GPU per replica. */
const awqFleet: FleetPlan = {
  serving: llama3_70bAwq(),
  infra: { region: "eu-west-1", instanceTypes: ["g6e.12xlarge"], gpusPerInstance: 4 },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON and YAML, walked freely
type Json = Record<string, any>;

function terraform(plan: FleetPlan): Json {
  return JSON.parse(renderTerraformJson(plan).json);
}

describe("Terraform: the worked example fleet", () => {
  const config = terraform(bf16Fleet);
  const asg = config.resource.aws_autoscaling_group.fleet;

  it("mixes one On-Demand instance with Spot above it, as §4.2 does", () => {
    expect(asg.mixed_instances_policy.instances_distribution).toEqual({
      on_demand_base_capacity: 1,
      on_demand_percentage_above_base_capacity: 0,
      spot_allocation_strategy: "price-capacity-optimized",
    });
    expect(asg.mixed_instances_policy.launch_template.override).toEqual([
      { instance_type: "p4de.24xlarge" },
      { instance_type: "p5.48xlarge" },
    ]);
    expect(asg.mixed_instances_policy.launch_template.launch_template_specification).toEqual({
      launch_template_id: "${aws_launch_template.fleet.id}",
      version: "$Latest",
    });
    expect(asg).toMatchObject({
      min_size: 1,
      max_size: 4,
      health_check_grace_period: 1200,
      capacity_rebalance: true,
    });
    expect(config.resource.aws_launch_template.fleet.instance_type).toBe("p4de.24xlarge");
    expect(config.terraform.required_providers.aws).toEqual({
      source: "hashicorp/aws",
      version: "~> 6.0",
    });
  });

  it("tracks vLLM's queue depth, as §4.2's policy does", () => {
    const policy = config.resource.aws_autoscaling_policy.scaling;
    expect(policy.policy_type).toBe("TargetTrackingScaling");
    expect(policy.target_tracking_configuration).toEqual({
      target_value: 4,
      customized_metric_specification: {
        metric_name: "vllm_num_requests_waiting",
        namespace: "vramfit/vllm",
        statistic: "Average",
        metric_dimension: {
          name: "AutoScalingGroupName",
          value: "${aws_autoscaling_group.fleet.name}",
        },
      },
    });
  });

  it("starts 4 replicas of TP 2 on the 8 GPUs, each pinned to its own pair", () => {
    const userData: string = config.locals.user_data;
    expect(bashSyntaxError(userData)).toBe("");
    const runs = userData
      .split("\ndocker run")
      .slice(1)
      .map((part) =>
        bashWords(
          `docker run${part
            .split("\n")
            .filter((l) => !l.startsWith("#"))
            .join("\n")}`,
        ),
      );
    // §4.2's loop: i = 0..3, devices 2i and 2i+1, host ports 8000 + i.
    expect(runs.map((argv) => argv[argv.indexOf("--gpus") + 1])).toEqual([
      '"device=0,1"',
      '"device=2,3"',
      '"device=4,5"',
      '"device=6,7"',
    ]);
    expect(runs.map((argv) => argv[argv.indexOf("-p") + 1])).toEqual([
      "8000:8000",
      "8001:8000",
      "8002:8000",
      "8003:8000",
    ]);
    // Each container runs the same vllm serve flags as the standalone command.
    const serveFlags = renderVllmCommand(bf16Fleet.serving).argv.slice(3);
    for (const argv of runs)
      expect(argv.slice(argv.indexOf("meta-llama/Meta-Llama-3-70B-Instruct") + 1)).toEqual(
        serveFlags,
      );
    expect(userData).not.toMatch(/hf_[A-Za-z0-9]{20,}/);
  });

  it("the AWQ checkpoint puts one replica on each of 4 GPUs", () => {
    const userData: string = terraform(awqFleet).locals.user_data;
    expect(userData.match(/--gpus '"device=\d"'/g)).toEqual([
      `--gpus '"device=0"'`,
      `--gpus '"device=1"'`,
      `--gpus '"device=2"'`,
      `--gpus '"device=3"'`,
    ]);
    expect(userData).toContain("--tensor-parallel-size 1");
    expect(userData).not.toContain("--quantization");
  });
});

describe("Terraform: HCL and JSON say the same", () => {
  it.each([
    ["BF16 TP 2", bf16Fleet],
    [
      "AWQ TP 1, all On-Demand, desired 2",
      {
        ...awqFleet,
        infra: { ...awqFleet.infra, onDemandPercentageAboveBaseCapacity: 100, desiredCapacity: 2 },
      },
    ],
  ] as const)("%s: HashiCorp's HCL parser reads main.tf as main.tf.json", async (_, plan) => {
    const hcl = renderTerraformHcl(plan).hcl;
    expect(await hclToTerraformJson(hcl)).toEqual(unwrapSingletons(terraform(plan)));
  });

  it("escapes template sequences in both syntaxes", async () => {
    const plan: FleetPlan = {
      ...bf16Fleet,
      serving: { ...bf16Fleet.serving, servedModelName: "a${b}%{c}" },
    };
    const json = terraform(plan);
    expect(json.locals.user_data).toContain("a$${b}%%{c}");
    expect(await hclToTerraformJson(renderTerraformHcl(plan).hcl)).toEqual(unwrapSingletons(json));
  });

  it("the HCL has balanced braces and each block once", () => {
    const hcl = renderTerraformHcl(bf16Fleet).hcl;
    const code = hcl.replace(/<<-EOT[\s\S]*?\n\s*EOT/g, "").replace(/"(?:[^"\\]|\\.)*"/g, '""');
    expect(code.split("{").length).toBe(code.split("}").length);
    for (const header of [
      'resource "aws_launch_template" "fleet"',
      'resource "aws_autoscaling_group" "fleet"',
      'resource "aws_autoscaling_policy" "scaling"',
      'data "aws_ssm_parameter" "ami"',
    ]) {
      expect(hcl.split(header).length - 1, header).toBe(1);
    }
  });
});

describe("Terraform: names and values from provider 6.x", () => {
  it("uses only catalogued blocks and arguments, no removed ones, and documented enum values", () => {
    for (const plan of [bf16Fleet, awqFleet]) {
      const config = terraform(plan);
      expect(unknownKeys(config, TERRAFORM_AWS_KEYS as KeyTree)).toEqual([]);
      for (const key of Object.keys(TERRAFORM_AWS_REMOVED_ARGUMENTS))
        expect(allKeys(config)).not.toContain(key);
      const values = new Map<string, unknown[]>();
      const walk = (value: unknown): void => {
        if (value === null || typeof value !== "object") return;
        for (const [key, child] of Object.entries(value)) {
          values.set(key, [...(values.get(key) ?? []), child]);
          walk(child);
        }
      };
      walk(config);
      for (const [key, allowed] of Object.entries(TERRAFORM_AWS_ENUMS)) {
        for (const value of values.get(key) ?? [])
          expect(allowed as readonly unknown[], key).toContain(value);
      }
    }
  });
});

describe("fleet rules and validation", () => {
  it("refuses a replica that needs more GPUs than an instance has", () => {
    const plan = {
      ...bf16Fleet,
      serving: { ...bf16Fleet.serving, tensorParallel: 8 },
      infra: { ...awqFleet.infra },
    };
    expect(engineRuleOf(() => renderTerraformJson(plan))).toBe("aws/replica-fits-instance");
  });

  it("refuses a start-up script over EC2's 16 KB user-data limit", () => {
    const adapters = Array.from({ length: 100 }, (_, i) => ({
      name: `adapter-${i}`,
      path: `org/a-long-adapter-repository-name-${i}`,
    }));
    const plan: FleetPlan = {
      serving: { ...llama3_70bAwq(), lora: { maxRank: 16, adapters } },
      infra: { region: "us-east-1", instanceTypes: ["p4d.24xlarge"], gpusPerInstance: 8 },
    };
    expect(engineRuleOf(() => renderTerraformJson(plan))).toBe("aws/user-data-16kb");
  });

  it("notes idle GPUs", () => {
    const plan: FleetPlan = {
      serving: { ...bf16Fleet.serving, tensorParallel: 4 },
      infra: { region: "us-east-1", instanceTypes: ["g6.12xlarge"], gpusPerInstance: 6 },
    };
    expect(renderTerraformJson(plan).notes.join("\n")).toContain(
      "1 replica(s) per instance: 4 GPU(s) each on a 6-GPU instance (2 GPU(s) idle but rented)",
    );
  });

  it("runs only the replicas the plan asks for, not every one that fits", () => {
    const plan: FleetPlan = {
      serving: bf16Fleet.serving,
      infra: { ...bf16Fleet.infra, replicasPerInstance: 1 },
    };
    const { userData } = resolveFleetPlan(plan);
    expect(userData.match(/docker run/g)).toHaveLength(1);
    expect(() =>
      resolveFleetPlan({ ...plan, infra: { ...plan.infra, replicasPerInstance: 5 } }),
    ).toThrow(/replicasPerInstance/);
  });

  it("the instances read HF_TOKEN from SSM by reference and publish the scaling metric", () => {
    const fleet = resolveFleetPlan(bf16Fleet);
    expect(fleet.userData).toContain(
      "aws ssm get-parameter --region us-east-1 --name /vramfit/hf-token --with-decryption",
    );
    expect(fleet.userData).not.toMatch(/hf_[A-Za-z0-9]{20,}/);
    expect(fleet.userData).toContain("amazon-cloudwatch-agent-ctl -a fetch-config -m ec2");
    const agent = JSON.parse(fleet.cloudWatchAgentConfig) as {
      logs: { metrics_collected: { prometheus: { emf_processor: Record<string, unknown> } } };
    };
    const emf = agent.logs.metrics_collected.prometheus.emf_processor;
    // The policy tracks namespace + metric name + AutoScalingGroupName: the agent publishes exactly those.
    expect(emf.metric_namespace).toBe(fleet.scaling.namespace);
    expect(JSON.stringify(emf.metric_declaration)).toContain(`^${fleet.scaling.metricName}$`);
    expect(JSON.stringify(emf.metric_declaration)).toContain("AutoScalingGroupName");
    const scrape = JSON.parse(fleet.prometheusScrapeConfig) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    expect(scrape.scrape_configs[0]?.static_configs[0]?.targets).toHaveLength(
      fleet.replicasPerInstance,
    );
  });

  const invalid: [string, Partial<FleetPlan["infra"]>, string][] = [
    ["max below min", { minSize: 3, maxSize: 2 }, "infra.maxSize"],
    ["desired above max", { desiredCapacity: 9 }, "infra.maxSize"],
    ["not a region", { region: "Virginia" }, "infra.region"],
    ["no instance types", { instanceTypes: [] }, "infra.instanceTypes"],
    ["SageMaker name", { instanceTypes: ["ml.g5.12xlarge"] }, "infra.instanceTypes"],
    [
      "percentage 120",
      { onDemandPercentageAboveBaseCapacity: 120 },
      "infra.onDemandPercentageAboveBaseCapacity",
    ],
    [
      "unknown spot strategy",
      { spotAllocationStrategy: "cheapest" as never },
      "infra.spotAllocationStrategy",
    ],
  ];
  it.each(invalid)("%s → InvalidOptionError", (_, change, option) => {
    const plan = { ...bf16Fleet, infra: { ...bf16Fleet.infra, ...change } };
    expect(() => renderTerraformJson(plan)).toThrow(InvalidOptionError);
    try {
      renderCloudFormationYaml(plan);
    } catch (error) {
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });
});

describe("CloudFormation", () => {
  const template = parse(renderCloudFormationYaml(bf16Fleet).yaml) as Json;

  it("parses, and uses only catalogued sections, properties and intrinsic functions", () => {
    expect(unknownKeys(template, CLOUDFORMATION_TEMPLATE_KEYS as KeyTree)).toEqual([]);
    for (const resource of Object.values(template.Resources as Record<string, Json>)) {
      const tree =
        CLOUDFORMATION_RESOURCE_PROPERTIES[
          resource.Type as keyof typeof CLOUDFORMATION_RESOURCE_PROPERTIES
        ];
      expect(tree, resource.Type).toBeDefined();
      // Intrinsic functions stand where a value goes: accept them as leaves.
      const intrinsicLeaves = Object.fromEntries(
        CLOUDFORMATION_INTRINSICS.map((name) => [name, true as const]),
      );
      expect(
        unknownKeys(resource.Properties, { ...(tree as KeyTree), ...intrinsicLeaves }),
      ).toEqual([]);
    }
    const functionKeys = allKeys(template).filter((key) => key === "Ref" || key.startsWith("Fn::"));
    for (const key of functionKeys)
      expect(CLOUDFORMATION_INTRINSICS as readonly string[]).toContain(key);
  });

  it("says what the Terraform says", () => {
    const tf = terraform(bf16Fleet);
    const asg = template.Resources.AutoScalingGroup.Properties;
    // MinSize and MaxSize are strings in the AutoScalingGroup specification.
    expect(asg.MinSize).toBe("1");
    expect(asg.MaxSize).toBe("4");
    expect(asg.MixedInstancesPolicy.InstancesDistribution).toEqual({
      OnDemandBaseCapacity: 1,
      OnDemandPercentageAboveBaseCapacity: 0,
      SpotAllocationStrategy: "price-capacity-optimized",
    });
    expect(asg.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual([
      { InstanceType: "p4de.24xlarge" },
      { InstanceType: "p5.48xlarge" },
    ]);
    expect(asg.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version).toEqual({
      "Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"],
    });
    const data = template.Resources.LaunchTemplate.Properties.LaunchTemplateData;
    expect(data.UserData["Fn::Base64"]).toBe(tf.locals.user_data);
    expect(
      template.Resources.ScalingPolicy.Properties.TargetTrackingConfiguration
        .CustomizedMetricSpecification.MetricName,
    ).toBe("vllm_num_requests_waiting");
  });
});
