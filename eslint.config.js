// @ts-check
import js from "@eslint/js";
import globals from "globals";
import jsdoc from "eslint-plugin-jsdoc";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, lowest first (docs/architecture.md). A folder may import the folders
 * below it, never those above: units/errors/options <- model <- memory <- hardware <- deploy,
 * charts (side by side: neither imports the other);
 * io (the only Node and network code) sits on the core; api composes io with the core and
 * deploy; the CLI may use everything.
 */
const LAYERS = {
  "src/options/**": ["model", "memory", "hardware", "deploy", "charts", "io", "api", "cli"],
  "src/model/**": ["memory", "hardware", "deploy", "charts", "io", "api", "cli"],
  "src/memory/**": ["hardware", "deploy", "charts", "io", "api", "cli"],
  "src/hardware/**": ["deploy", "charts", "io", "api", "cli"],
  "src/deploy/**": ["charts", "io", "api", "cli"],
  "src/charts/**": ["deploy", "io", "api", "cli"],
  "src/io/**": ["deploy", "charts", "api", "cli"],
  "src/api/**": ["cli"],
};

/** Folders whose code must run anywhere (browser, notebook, worker): no I/O, no process. */
const PURE_FOLDERS = [
  "src/units.ts",
  "src/errors.ts",
  "src/options/**",
  "src/model/**",
  "src/memory/**",
  "src/hardware/**",
  "src/deploy/**",
  "src/deploy.ts",
  "src/charts/**",
  "src/charts.ts",
];

const NODE_ONLY = {
  group: ["node:*", "fs", "path", "os", "http", "https", "child_process"],
  message: "The pure core must not use Node built-ins: do I/O in src/io or src/cli.",
};
const NETWORK = {
  group: ["@huggingface/hub", "p-retry"],
  message: "The pure core must not do network I/O: that lives in src/io.",
};

/** One `no-restricted-imports` pattern per folder a layer must not import. */
function above(folders) {
  return folders.map((folder) => ({
    group: [`**/${folder}/**`, `**/${folder}.js`],
    message: `This layer must not import src/${folder} (see docs/architecture.md).`,
  }));
}

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "dist-docs/",
      "web/dist/",
      "coverage/",
      "node_modules/",
      "fixtures/",
      "tests/docs/.blocks/",
      "test-results/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": [
        "error",
        { allowConstantLoopConditions: true },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node, sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // TSDoc on every public export of the library.
    files: ["src/**/*.ts"],
    plugins: { jsdoc },
    rules: {
      "jsdoc/require-jsdoc": [
        "error",
        {
          publicOnly: true,
          require: { FunctionDeclaration: true, ClassDeclaration: true },
          contexts: [
            "TSInterfaceDeclaration",
            "TSTypeAliasDeclaration",
            "ExportNamedDeclaration > VariableDeclaration",
          ],
        },
      ],
      "jsdoc/check-tag-names": ["error", { definedTags: ["default", "remarks", "example"] }],
    },
  },
  ...Object.entries(LAYERS).map(([files, forbidden]) => ({
    files: [files],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...above(forbidden),
            ...(PURE_FOLDERS.includes(files) ? [NODE_ONLY, NETWORK] : []),
          ],
        },
      ],
    },
  })),
  {
    files: ["src/units.ts", "src/errors.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["./*/**"], message: "units.ts and errors.ts are the bottom layer." },
          ],
        },
      ],
    },
  },
  {
    files: PURE_FOLDERS,
    rules: {
      "no-restricted-globals": ["error", "process", "Buffer", "fetch", "console", "require"],
    },
  },
  {
    // Node loads ICU data on the first toLocaleString / Intl call: about 28 ms of a CLI run.
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='toLocaleString']",
          message: "Use formatInteger from src/units.ts: toLocaleString loads ICU data (~28 ms).",
        },
        {
          selector: "NewExpression[callee.object.name='Intl']",
          message: "Intl loads ICU data (~28 ms on first use): format by hand (src/units.ts).",
        },
      ],
    },
  },
  {
    // The CLI's launcher is CommonJS on purpose (Node 20 caches compiled scripts, not ES modules):
    // `import x = require()` is how a .cts file imports under verbatimModuleSyntax.
    files: ["src/cli/launcher.cts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["tests/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/restrict-plus-operands": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
);
