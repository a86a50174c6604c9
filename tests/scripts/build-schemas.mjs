// Writes the JSON Schemas vramfit publishes (dist/schemas/*.schema.json, `vramfit schema <name>`):
// results from their TypeScript types (walked with the compiler's own type checker, so aliases
// such as `keyof typeof WEIGHT_PRECISIONS` become the literal unions they are), input files from
// their zod schemas (z.toJSONSchema). Run by `npm run build` after tsc; tests/schemas.test.ts
// validates real results against them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import * as z from "zod/mini";

const ROOT = join(import.meta.dirname, "..", "..");
const OUT = join(ROOT, "dist", "schemas");
const VERSION = JSON.parse(
  (await import("node:fs")).readFileSync(join(ROOT, "package.json"), "utf8"),
).version;
const BASE_URL = `https://unpkg.com/vramfit@${VERSION}/dist/schemas`;

/** Results: schema name → the exported type and the file that declares it. */
export const RESULT_TYPES = {
  "inference-estimate": ["InferenceEstimate", "src/memory/estimate-inference.ts"],
  "training-estimate": ["TrainingEstimate", "src/memory/training/estimate-training.ts"],
  "gpu-ranking": ["GpuRanking", "src/hardware/rank-gpus.ts"],
  "instance-ranking": ["InstanceRanking", "src/hardware/rank-instances.ts"],
  "gpu-fit": ["GpuFit", "src/hardware/fit-on-gpu.ts"],
  plan: ["DeploymentPlan", "src/deploy/blueprint/plan-types.ts"],
  checklist: ["DeploymentChecklist", "src/deploy/checklist/validate-deployment.ts"],
};

/** Input files: schema name → the module (built) and its zod schema's export. */
const INPUT_SCHEMAS = {
  catalog: ["dist/hardware/catalog-file.js", "GpuCatalogFileSchema", "A GPU catalog file"],
  deployment: [
    "dist/deploy/checklist/deployment-file.js",
    "UserDeploymentSchema",
    "A deployment file",
  ],
};

/** The JSON Schema of a TypeScript type, with named object types under $defs. */
function schemaOfType(checker, rootType, title) {
  const defs = {};
  const names = new Map();

  const describe = (symbol) => {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    return text === "" ? {} : { description: text };
  };

  const convert = (type) => {
    if (type.flags & ts.TypeFlags.String) return { type: "string" };
    if (type.flags & ts.TypeFlags.Number) return { type: "number" };
    if (type.flags & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (type.flags & ts.TypeFlags.Null) return { type: "null" };
    if (type.flags & ts.TypeFlags.StringLiteral) return { const: type.value };
    if (type.flags & ts.TypeFlags.NumberLiteral) return { const: type.value };
    if (type.flags & ts.TypeFlags.BooleanLiteral) {
      return { const: checker.typeToString(type) === "true" };
    }
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (type.isUnion()) {
      const members = type.types.filter((member) => !(member.flags & ts.TypeFlags.Undefined));
      const literals = members.filter(
        (member) => member.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral),
      );
      const booleans = members.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral);
      const rest = members.filter(
        (member) => !literals.includes(member) && !booleans.includes(member),
      );
      const parts = [];
      if (literals.length > 0) parts.push({ enum: literals.map((member) => member.value) });
      if (booleans.length === 2) parts.push({ type: "boolean" });
      else for (const member of booleans) parts.push(convert(member));
      for (const member of rest) parts.push(convert(member));
      return parts.length === 1 ? parts[0] : { anyOf: parts };
    }
    if (type.isIntersection()) return objectSchema(type);
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      const [element] = checker.getTypeArguments(type);
      return { type: "array", items: element === undefined ? {} : convert(element) };
    }
    if (type.flags & ts.TypeFlags.Object) {
      const symbol = type.aliasSymbol ?? type.getSymbol();
      const named =
        symbol !== undefined &&
        !symbol.getName().startsWith("__") &&
        (type.aliasSymbol !== undefined || type.isClassOrInterface());
      if (named) {
        const key = checker.typeToString(type).replace(/[^\w]+/g, "_");
        if (!names.has(type)) {
          names.set(type, key);
          defs[key] = {};
          defs[key] = { ...describe(symbol), ...objectSchema(type) };
        }
        return { $ref: `#/$defs/${names.get(type)}` };
      }
      return objectSchema(type);
    }
    throw new Error(`${title}: no JSON Schema for the type ${checker.typeToString(type)}`);
  };

  const objectSchema = (type) => {
    const properties = {};
    const required = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const propertyType = checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length > 0) continue; // methods never reach JSON
      properties[property.getName()] = { ...describe(property), ...convert(propertyType) };
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const allowsUndefined =
        propertyType.isUnion() &&
        propertyType.types.some((member) => member.flags & ts.TypeFlags.Undefined);
      if (!optional && !allowsUndefined && declaration !== undefined) {
        required.push(property.getName());
      }
    }
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    return {
      type: "object",
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: index === undefined ? false : convert(index.type),
    };
  };

  const root = convert(rootType);
  return { ...root, $defs: defs };
}

function resultSchemas() {
  const configPath = join(ROOT, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  const files = Object.values(RESULT_TYPES).map(([, file]) => join(ROOT, file));
  const program = ts.createProgram(files, config.options);
  const checker = program.getTypeChecker();
  const schemas = {};
  for (const [name, [typeName, file]] of Object.entries(RESULT_TYPES)) {
    const source = program.getSourceFile(join(ROOT, file));
    const symbol = checker
      .getExportsOfModule(checker.getSymbolAtLocation(source))
      .find((candidate) => candidate.getName() === typeName);
    if (symbol === undefined) throw new Error(`${file} exports no ${typeName}`);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const schema = schemaOfType(checker, type, name);
    // The CLI's --json output carries the version of this schema.
    const rootDef = schema.$defs[typeName];
    if (rootDef?.properties !== undefined) {
      rootDef.properties = {
        schemaVersion: {
          description: "Version of this schema; the CLI's --json output carries it.",
          const: 1,
        },
        ...rootDef.properties,
      };
    }
    schemas[name] = schema;
  }
  return schemas;
}

async function inputSchemas() {
  const schemas = {};
  for (const [name, [file, exportName, title]] of Object.entries(INPUT_SCHEMAS)) {
    const module = await import(join(ROOT, file));
    schemas[name] = {
      title,
      ...z.toJSONSchema(module[exportName], { target: "draft-7", io: "input" }),
    };
  }
  return schemas;
}

/** Every schema, by name, each with its `$schema` and `$id`. */
export async function buildSchemas() {
  const all = { ...resultSchemas(), ...(await inputSchemas()) };
  const out = {};
  for (const [name, schema] of Object.entries(all)) {
    const { $schema: _ignored, ...rest } = schema;
    out[name] = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: `${BASE_URL}/${name}.schema.json`,
      ...rest,
    };
  }
  return out;
}

if (process.argv[1] === import.meta.filename) {
  const schemas = await buildSchemas();
  mkdirSync(OUT, { recursive: true });
  for (const [name, schema] of Object.entries(schemas)) {
    writeFileSync(join(OUT, `${name}.schema.json`), `${JSON.stringify(schema)}\n`);
  }
  console.log(`wrote ${Object.keys(schemas).length} schemas to dist/schemas`);
}
