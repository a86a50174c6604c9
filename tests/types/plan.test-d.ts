import { describe, expectTypeOf, it } from "vitest";
import {
  planDeployment,
  planDeploymentFromSpec,
  renderTemplates,
  validateDeployment,
  validateDeploymentFromSpec,
  type CheckId,
  type CheckStatus,
  type DeploymentChecklist,
  type DeploymentPlan,
  type UserDeployment,
} from "../../src/deploy.js";
import type { ErrorCode } from "../../src/index.js";
import type { PlanStepId } from "../../src/deploy/blueprint/plan-types.js";
import type { PricingModel } from "../../src/deploy/blueprint/pricing.js";
import type { WorkloadClass } from "../../src/deploy/blueprint/request.js";
import { UserDeploymentSchema } from "../../src/deploy/checklist/deployment-file.js";
import type { TemplatePlans } from "../../src/deploy/templates/render-templates.js";
import type * as z from "zod/mini";

describe("blueprint and checklist types", () => {
  it("planDeployment takes a model and a request or a class, and resolves to a plan whose templates render", () => {
    expectTypeOf(planDeployment).returns.resolves.toEqualTypeOf<DeploymentPlan>();
    expectTypeOf(planDeploymentFromSpec).returns.toEqualTypeOf<DeploymentPlan>();
    expectTypeOf<DeploymentPlan["templates"]>().toEqualTypeOf<TemplatePlans>();
    expectTypeOf(renderTemplates).parameter(0).toEqualTypeOf<TemplatePlans>();
  });

  it("validateDeployment takes a plan or a user deployment", () => {
    expectTypeOf(validateDeployment).parameter(0).toEqualTypeOf<DeploymentPlan | UserDeployment>();
    expectTypeOf(validateDeployment).returns.resolves.toEqualTypeOf<DeploymentChecklist>();
    expectTypeOf(validateDeploymentFromSpec).returns.toEqualTypeOf<DeploymentChecklist>();
  });

  it("the file schema's output is a UserDeployment", () => {
    expectTypeOf<z.output<typeof UserDeploymentSchema>>().toExtend<UserDeployment>();
  });

  it("classes, steps, checks, pricing models and the new codes are literal unions", () => {
    expectTypeOf<WorkloadClass>().toEqualTypeOf<"realtime" | "batch" | "lora" | "qlora" | "full">();
    expectTypeOf<PlanStepId>().toEqualTypeOf<
      "workload" | "modality" | "vram" | "topology" | "pricing"
    >();
    expectTypeOf<CheckStatus>().toEqualTypeOf<"pass" | "warn" | "fail">();
    expectTypeOf<PricingModel>().toEqualTypeOf<"on-demand" | "reserved" | "spot" | "autoscaling">();
    expectTypeOf<"fit">().toExtend<CheckId>();
    expectTypeOf<"DEPLOYMENT_INVALID">().toExtend<ErrorCode>();
    expectTypeOf<"OUTPUT_EXISTS">().toExtend<ErrorCode>();
  });
});
