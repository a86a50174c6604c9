// @ts-check
import js from "@eslint/js";
import globals from "globals";
import jsdoc from "eslint-plugin-jsdoc";
import tseslint from "typescript-eslint";

/** Folders whose code must run anywhere (browser, notebook, worker): no I/O, no process. */
const PURE_FOLDERS = [
  "src/units.ts",
  "src/errors.ts",
  "src/model/**",
  "src/memory/**",
  "src/gpus/**",
  "src/plan/**",
  "src/bundled/**",
];

const NODE_ONLY = {
  group: ["node:*", "fs", "path", "os", "http", "https", "child_process"],
  message: "The pure core must not use Node built-ins: do I/O in src/hub, src/local or src/cli.",
};
const EDGE_CODE = {
  group: ["**/hub/**", "**/cli/**", "**/local/**", "@huggingface/hub", "p-retry"],
  message: "The pure core must not import network, file or CLI code.",
};

export default tseslint.config(
  { ignores: ["dist/", "coverage/", "node_modules/", "fixtures/"] },
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
  {
    files: PURE_FOLDERS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            NODE_ONLY,
            EDGE_CODE,
            { group: ["zod"], message: "Validation lives in src/schema." },
          ],
        },
      ],
      "no-restricted-globals": ["error", "process", "Buffer", "fetch", "console", "require"],
    },
  },
  {
    files: ["src/schema/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [NODE_ONLY, EDGE_CODE] }],
      "no-restricted-globals": ["error", "process", "Buffer", "fetch", "console"],
    },
  },
  {
    files: ["src/hub/**", "src/local/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/cli/**"], message: "Library code must not import the CLI." }] },
      ],
    },
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
