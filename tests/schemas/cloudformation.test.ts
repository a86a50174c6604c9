/**
 * The CloudFormation template against the CloudFormation resource database (`@aws-cdk/aws-service-spec`
 * 0.1.216 on npm): resource types, property names (unknown ones rejected), required properties and
 * value types, for every plan kind that has a fleet.
 */
import { describe, expect, it } from "vitest";
import { renderCloudFormationYaml, type FleetPlan } from "../../src/deploy.js";
import { cfnErrors } from "../helpers/cfn-spec.js";
import { llama3_70bAwq, llama3_70bBf16 } from "../helpers/templates.js";

const infra = { region: "us-east-1", instanceTypes: ["p5.48xlarge"], gpusPerInstance: 8 };
const fleets: Record<string, FleetPlan> = {
  "BF16 TP 2": { serving: llama3_70bBf16(), infra },
  FP8: { serving: { ...llama3_70bBf16(), weights: "fp8" }, infra },
  "INT4 (pre-quantized route)": {
    serving: { ...llama3_70bBf16(), tensorParallel: 1, weights: "int4-g128" },
    infra: { ...infra, replicasPerInstance: 1 },
  },
  "AWQ checkpoint, Spot batch": {
    serving: llama3_70bAwq(),
    infra: { ...infra, minSize: 0, onDemandBaseCapacity: 0, desiredCapacity: 1 },
  },
};

describe("CloudFormation against the resource database", () => {
  for (const [name, fleet] of Object.entries(fleets)) {
    it(`${name}: no unknown, missing or mistyped property`, async () => {
      const { template } = renderCloudFormationYaml(fleet);
      expect(await cfnErrors(template)).toEqual([]);
    }, 60_000);
  }

  it("negative controls: a wrong key, a wrong type and an unknown resource type are caught", async () => {
    const { template } = renderCloudFormationYaml(fleets["BF16 TP 2"]!);
    type Resource = { Type: string; Properties: Record<string, Record<string, unknown>> };
    const resources = structuredClone(template.Resources) as unknown as Record<string, Resource>;
    resources.LaunchTemplate!.Properties.LaunchTemplateData!.MetadataOption = {
      HttpTokens: "required",
    };
    (resources.AutoScalingGroup!.Properties as Record<string, unknown>).HealthCheckGracePeriod =
      "1200 seconds";
    resources.Extra = { Type: "AWS::EC2::LaunchTemplat", Properties: {} };
    const errors = await cfnErrors({ ...template, Resources: resources });
    expect(errors.join("\n")).toContain("LaunchTemplateData.MetadataOption: unknown property");
    expect(errors.join("\n")).toContain("HealthCheckGracePeriod: expected an integer");
    expect(errors.join("\n")).toContain("unknown resource type AWS::EC2::LaunchTemplat");
  }, 60_000);
});
