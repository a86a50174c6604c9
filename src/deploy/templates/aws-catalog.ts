/**
 * The Terraform (hashicorp/aws 6.x) and CloudFormation names the AWS fleet templates use,
 * as key trees the tests walk every generated block and property against.
 */
import type { CatalogProvenance, KeyTree, RemovedName } from "./catalog-types.js";

/** The Terraform provider version the resource catalog describes. */
export const TERRAFORM_AWS_CATALOG: CatalogProvenance = {
  tool: "Terraform hashicorp/aws provider",
  version: "6.x (6.0.0 released 2025-06-18)",
  source:
    "hashicorp/terraform-provider-aws website/docs/r/{launch_template,autoscaling_group,autoscaling_policy,iam_role,iam_role_policy,iam_role_policy_attachment,iam_instance_profile}.html.markdown, website/docs/d/ssm_parameter.html.markdown",
  recordedOn: "2026-11-28",
};

/** The provider constraint the Terraform templates pin. */
export const TERRAFORM_AWS_PROVIDER_VERSION = "~> 6.0";

/** Spot allocation strategies of an instances distribution (autoscaling_group docs, 6.x). */
export const SPOT_ALLOCATION_STRATEGIES = [
  "lowest-price",
  "capacity-optimized",
  "capacity-optimized-prioritized",
  "price-capacity-optimized",
] as const;

/** A spot allocation strategy. */
export type SpotAllocationStrategy = (typeof SPOT_ALLOCATION_STRATEGIES)[number];

/** Documented values of the enumerated arguments the templates set. */
export const TERRAFORM_AWS_ENUMS = {
  spot_allocation_strategy: SPOT_ALLOCATION_STRATEGIES,
  on_demand_allocation_strategy: ["prioritized", "lowest-price"],
  health_check_type: ["EC2", "ELB"],
  policy_type: ["SimpleScaling", "StepScaling", "TargetTrackingScaling", "PredictiveScaling"],
  http_tokens: ["optional", "required"],
  instance_metadata_tags: ["disabled", "enabled"],
  volume_type: ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"],
  statistic: ["Average", "Minimum", "Maximum", "SampleCount", "Sum"],
} as const satisfies Record<string, readonly string[]>;

/** Terraform top-level block types and the resource / data arguments and nested blocks. */
export const TERRAFORM_AWS_KEYS = {
  terraform: { required_version: true, required_providers: { "*": true } },
  provider: { aws: { region: true } },
  variable: { "*": { type: true, default: true, description: true } },
  locals: { "*": true },
  output: { "*": { value: true, description: true } },
  data: { aws_ssm_parameter: { "*": { name: true } } },
  resource: {
    aws_launch_template: {
      "*": {
        name_prefix: true,
        image_id: true,
        instance_type: true,
        vpc_security_group_ids: true,
        user_data: true,
        block_device_mappings: {
          device_name: true,
          ebs: { volume_size: true, volume_type: true, delete_on_termination: true },
        },
        metadata_options: { http_tokens: true, instance_metadata_tags: true },
        iam_instance_profile: { arn: true, name: true },
      },
    },
    aws_iam_role: { "*": { name_prefix: true, assume_role_policy: true } },
    aws_iam_role_policy_attachment: { "*": { role: true, policy_arn: true } },
    aws_iam_role_policy: { "*": { name: true, role: true, policy: true } },
    aws_iam_instance_profile: { "*": { name_prefix: true, role: true } },
    aws_autoscaling_group: {
      "*": {
        name_prefix: true,
        min_size: true,
        max_size: true,
        desired_capacity: true,
        vpc_zone_identifier: true,
        health_check_type: true,
        health_check_grace_period: true,
        default_instance_warmup: true,
        capacity_rebalance: true,
        mixed_instances_policy: {
          instances_distribution: {
            on_demand_allocation_strategy: true,
            on_demand_base_capacity: true,
            on_demand_percentage_above_base_capacity: true,
            spot_allocation_strategy: true,
            spot_instance_pools: true,
            spot_max_price: true,
          },
          launch_template: {
            launch_template_specification: { launch_template_id: true, version: true },
            override: { instance_type: true, weighted_capacity: true },
          },
        },
        tag: { key: true, value: true, propagate_at_launch: true },
      },
    },
    aws_autoscaling_policy: {
      "*": {
        name: true,
        autoscaling_group_name: true,
        policy_type: true,
        estimated_instance_warmup: true,
        target_tracking_configuration: {
          target_value: true,
          disable_scale_in: true,
          customized_metric_specification: {
            metric_name: true,
            namespace: true,
            statistic: true,
            metric_dimension: { name: true, value: true },
          },
          predefined_metric_specification: { predefined_metric_type: true, resource_label: true },
        },
      },
    },
  },
} as const satisfies KeyTree;

/** Launch-template arguments that provider 6.0 removed (terraform-aws-modules/terraform-aws-autoscaling#290). */
export const TERRAFORM_AWS_REMOVED_ARGUMENTS = {
  elastic_gpu_specifications: { replacement: "none", source: "removed in hashicorp/aws 6.0" },
  elastic_inference_accelerator: { replacement: "none", source: "removed in hashicorp/aws 6.0" },
} as const satisfies Record<string, RemovedName>;

/** The CloudFormation resource types and properties the CloudFormation template uses. */
export const CLOUDFORMATION_CATALOG: CatalogProvenance = {
  tool: "AWS CloudFormation",
  version: "template format 2010-09-09",
  source:
    "AWS CloudFormation template reference: AWS::EC2::LaunchTemplate, AWS::AutoScaling::AutoScalingGroup (MixedInstancesPolicy, InstancesDistribution), AWS::AutoScaling::ScalingPolicy (TargetTrackingConfiguration, CustomizedMetricSpecification)",
  recordedOn: "2026-11-28",
};

/** Properties of each resource type, by `Type`. */
export const CLOUDFORMATION_RESOURCE_PROPERTIES = {
  "AWS::EC2::LaunchTemplate": {
    LaunchTemplateName: true,
    LaunchTemplateData: {
      ImageId: true,
      InstanceType: true,
      SecurityGroupIds: true,
      UserData: true,
      BlockDeviceMappings: {
        DeviceName: true,
        Ebs: { VolumeSize: true, VolumeType: true, DeleteOnTermination: true },
      },
      MetadataOptions: { HttpTokens: true, InstanceMetadataTags: true },
      IamInstanceProfile: { Arn: true, Name: true },
    },
  },
  "AWS::IAM::Role": {
    AssumeRolePolicyDocument: true,
    ManagedPolicyArns: true,
    Policies: { PolicyName: true, PolicyDocument: true },
  },
  "AWS::IAM::InstanceProfile": { Roles: true },
  "AWS::AutoScaling::AutoScalingGroup": {
    MinSize: true,
    MaxSize: true,
    DesiredCapacity: true,
    VPCZoneIdentifier: true,
    HealthCheckType: true,
    HealthCheckGracePeriod: true,
    DefaultInstanceWarmup: true,
    CapacityRebalance: true,
    MixedInstancesPolicy: {
      InstancesDistribution: {
        OnDemandAllocationStrategy: true,
        OnDemandBaseCapacity: true,
        OnDemandPercentageAboveBaseCapacity: true,
        SpotAllocationStrategy: true,
        SpotInstancePools: true,
        SpotMaxPrice: true,
      },
      LaunchTemplate: {
        LaunchTemplateSpecification: { LaunchTemplateId: true, Version: true },
        Overrides: { InstanceType: true, WeightedCapacity: true },
      },
    },
    Tags: { Key: true, Value: true, PropagateAtLaunch: true },
  },
  "AWS::AutoScaling::ScalingPolicy": {
    AutoScalingGroupName: true,
    PolicyType: true,
    EstimatedInstanceWarmup: true,
    TargetTrackingConfiguration: {
      TargetValue: true,
      DisableScaleIn: true,
      CustomizedMetricSpecification: {
        MetricName: true,
        Namespace: true,
        Statistic: true,
        Unit: true,
        Dimensions: { Name: true, Value: true },
      },
      PredefinedMetricSpecification: { PredefinedMetricType: true, ResourceLabel: true },
    },
  },
} as const satisfies Record<string, KeyTree>;

/** A CloudFormation resource type the templates use. */
export type CloudFormationResourceType = keyof typeof CLOUDFORMATION_RESOURCE_PROPERTIES;

/** Top-level sections of a CloudFormation template and the keys of a parameter and an output. */
export const CLOUDFORMATION_TEMPLATE_KEYS = {
  AWSTemplateFormatVersion: true,
  Description: true,
  Parameters: { "*": { Type: true, Default: true, Description: true } },
  Resources: { "*": { Type: true, Properties: true } },
  Outputs: { "*": { Value: true, Description: true } },
} as const satisfies KeyTree;

/** Intrinsic functions the templates use (AWS CloudFormation intrinsic function reference). */
export const CLOUDFORMATION_INTRINSICS = ["Ref", "Fn::GetAtt", "Fn::Base64"] as const;

/**
 * The public SSM parameter of the AWS Deep Learning Base OSS NVIDIA driver GPU AMI (Ubuntu 22.04):
 * `/aws/service/deeplearning/ami/$architecture/$ami_type/latest/ami-id` (AWS DLAMI guide,
 * "Finding the ID of a DLAMI"). It ships the NVIDIA driver, the container toolkit and local NVMe
 * at /opt/dlami/nvme.
 */
export const DLAMI_SSM_PARAMETER =
  "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";
