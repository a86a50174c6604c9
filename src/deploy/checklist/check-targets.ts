/**
 * Check 13: a plan is judged against its own targets. A deployment you describe states no
 * targets, so it passes; a blueprint's targets (the TTFT target, the target load) are checked
 * against the deployment search it chose from.
 */
import {
  describeConfig,
  describeCost,
  type DeploymentSearch,
} from "../../hardware/search/search-deployments.js";
import type { ChosenDeployment } from "../blueprint/plan-types.js";
import { check, type DeploymentCheck } from "./checks.js";

/** Check 13 for a deployment without targets. */
export function checkNoTargets(): DeploymentCheck {
  return check("targets", "pass", "no targets stated for this deployment: nothing to judge", {
    targets: false,
  });
}

/**
 * Check 13 for a plan: FAIL when the chosen deployment misses its TTFT target or when no
 * configuration in the catalog meets every target (naming the closest and its price); PASS when
 * every target is met.
 */
export function checkPlanTargets(
  chosen: ChosenDeployment,
  search: DeploymentSearch | null,
  ttftTargetMs: number | null,
): DeploymentCheck {
  const ms = (seconds: number | null): string =>
    seconds === null ? "unknown" : `${(seconds * 1000).toFixed(0)} ms`;
  const figures = {
    targets: true,
    maxTtftMs: ttftTargetMs,
    ttftSeconds: chosen.ttftSeconds,
    feasibleConfigurations: search?.counts.feasible ?? null,
  };
  if (search !== null && search.best === null) {
    const closest = search.nearest[0];
    return check(
      "targets",
      "fail",
      `no configuration in the catalog meets every target${closest === undefined ? "" : `; closest: ${describeConfig(closest)} (${closest.misses.join("; ")}; ${describeCost(closest)})`}`,
      figures,
    );
  }
  if (chosen.meetsTtftTarget === false) {
    const better = search?.best ?? null;
    return check(
      "targets",
      "fail",
      `TTFT ${ms(chosen.ttftSeconds)} misses ${ttftTargetMs === null ? "its TTFT target" : `the ${ttftTargetMs} ms target`}${better === null ? "" : `; ${describeConfig(better)} meets it (TTFT ${ms(better.ttftSeconds)}, ${describeCost(better)})`}`,
      figures,
    );
  }
  if (ttftTargetMs === null && search === null) {
    return check("targets", "pass", "no targets stated: nothing to judge", figures);
  }
  return check(
    "targets",
    "pass",
    `every target met${ttftTargetMs === null ? "" : `: TTFT ${ms(chosen.ttftSeconds)} ≤ ${ttftTargetMs} ms`}${search === null ? "" : ` (${search.counts.feasible} of ${search.counts.fitting} configurations searched meet them)`}`,
    figures,
  );
}
