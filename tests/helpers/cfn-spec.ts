/**
 * Validates a CloudFormation template against the CloudFormation resource database that AWS CDK
 * publishes on npm (`@aws-cdk/aws-service-spec`, built from the CloudFormation registry schemas):
 * every resource type exists, every property exists on it (unknown names rejected), required
 * properties are present, and values have the property's type. Intrinsic functions (`Ref`,
 * `Fn::*`) stand for any value.
 */
import { loadAwsServiceSpec } from "@aws-cdk/aws-service-spec";

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
type Json = unknown;
interface PropertySpec {
  readonly type: TypeSpec;
  readonly required?: boolean;
}
type TypeSpec =
  | { readonly type: "string" | "number" | "integer" | "boolean" | "json" | "date-time" | "null" }
  | { readonly type: "ref"; readonly reference: { readonly $ref: string } }
  | { readonly type: "array" | "map"; readonly element: TypeSpec }
  | { readonly type: "union"; readonly types: readonly TypeSpec[] }
  | { readonly type: "tag" | "tags" };

let database: Promise<SpecDatabase> | undefined;

/** The database, loaded once (a few seconds). */
export function cfnSpec(): Promise<SpecDatabase> {
  database ??= loadAwsServiceSpec();
  return database;
}

function isIntrinsic(value: Json): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Ref" || keys[0]!.startsWith("Fn::"));
}

function checkValue(
  db: SpecDatabase,
  type: TypeSpec,
  value: Json,
  path: string,
  errors: string[],
): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case "json":
      return;
    case "string":
    case "date-time":
      if (typeof value !== "string")
        errors.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
      return;
    case "number":
      if (typeof value !== "number") errors.push(`${path}: expected a number`);
      return;
    case "integer":
      if (!Number.isInteger(value))
        errors.push(`${path}: expected an integer, got ${JSON.stringify(value)}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${path}: expected a boolean`);
      return;
    case "null":
      return;
    case "tag":
    case "tags":
      return;
    case "array":
      if (!Array.isArray(value)) {
        errors.push(`${path}: expected a list`);
        return;
      }
      value.forEach((item, i) => {
        checkValue(db, type.element, item, `${path}[${i}]`, errors);
      });
      return;
    case "map":
      if (typeof value !== "object" || value === null) errors.push(`${path}: expected a map`);
      else
        for (const [k, v] of Object.entries(value))
          checkValue(db, type.element, v, `${path}.${k}`, errors);
      return;
    case "union": {
      const attempts = type.types.map((t) => {
        const inner: string[] = [];
        checkValue(db, t, value, path, inner);
        return inner;
      });
      if (!attempts.some((inner) => inner.length === 0)) errors.push(...(attempts[0] ?? []));
      return;
    }
    case "ref": {
      const def = db.get("typeDefinition", type.reference.$ref) as unknown as {
        properties: Record<string, PropertySpec>;
      };
      checkProperties(db, def.properties, value, path, errors);
      return;
    }
  }
}

function checkProperties(
  db: SpecDatabase,
  properties: Record<string, PropertySpec>,
  value: Json,
  path: string,
  errors: string[],
): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    errors.push(`${path}: expected an object`);
    return;
  }
  for (const [name, spec] of Object.entries(properties)) {
    if (spec.required === true && !(name in value)) errors.push(`${path}.${name}: required`);
  }
  for (const [name, inner] of Object.entries(value)) {
    const spec = properties[name];
    if (spec === undefined) errors.push(`${path}.${name}: unknown property`);
    else checkValue(db, spec.type, inner, `${path}.${name}`, errors);
  }
}

/** Every problem the database finds in a template's resources; empty when it is valid. */
export async function cfnErrors(template: Record<string, Json>): Promise<string[]> {
  const db = await cfnSpec();
  const errors: string[] = [];
  const resources = (template.Resources ?? {}) as Record<
    string,
    { Type: string; Properties?: Json }
  >;
  for (const [name, resource] of Object.entries(resources)) {
    const [spec] = db.lookup("resource", "cloudFormationType", "equals", resource.Type);
    if (spec === undefined) {
      errors.push(`${name}: unknown resource type ${resource.Type}`);
      continue;
    }
    checkProperties(db, spec.properties, resource.Properties ?? {}, `${name}.Properties`, errors);
  }
  return errors;
}
