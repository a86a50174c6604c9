import { describe, expect, it } from "vitest";
import {
  estimateInference,
  estimateInferenceFromSpec,
  InvalidOptionError,
  parseModelConfig,
  rankGpus,
} from "../../src/index.js";
import { planDeployment } from "../../src/deploy.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";
import { closestName } from "../../src/options/did-you-mean.js";
import {
  checkKnownOptions,
  integerField,
  readOption,
  type OptionTable,
} from "../../src/options/option-fields.js";

const llama8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B")!.config);
const offline = { offline: true, cacheDir: false } as const;

describe("closestName", () => {
  it("finds a one-letter slip, a swap and a missing letter", () => {
    const names = ["contextLength", "batchSize", "weights", "kvCacheDtype"];
    expect(closestName("contextLenght", names)).toBe("contextLength");
    expect(closestName("batchsize", names)).toBe("batchSize");
    expect(closestName("weight", names)).toBe("weights");
    expect(closestName("kvCacheDtpe", names)).toBe("kvCacheDtype");
  });

  it("proposes nothing for a name that is not close to any", () => {
    expect(closestName("temperature", ["contextLength", "batchSize"])).toBeUndefined();
  });
});

describe("unknown option keys are refused with a did-you-mean", () => {
  it("in the pure estimate (contextLenght no longer falls back to the 4096 default)", () => {
    const error = (() => {
      try {
        estimateInferenceFromSpec(llama8b, { contextLenght: 8192 } as never);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe("contextLenght");
    expect((error as InvalidOptionError).hint).toBe('Did you mean "contextLength"?');
  });

  it("in the async doors, which also know the Hub options", async () => {
    await expect(
      estimateInference("meta-llama/Meta-Llama-3-8B", { ...offline, revison: "main" } as never),
    ).rejects.toMatchObject({ code: "OPTION_INVALID", hint: 'Did you mean "revision"?' });
    await expect(
      rankGpus("meta-llama/Meta-Llama-3-8B", { ...offline, famlies: ["H100"] } as never),
    ).rejects.toMatchObject({ code: "OPTION_INVALID", hint: 'Did you mean "families"?' });
  });

  it("an undefined value is not a key (CLI-built objects pass undefined for unset flags)", () => {
    expect(() => {
      checkKnownOptions({ nothing: undefined }, [{}], "f");
    }).not.toThrow();
  });
});

describe("planDeployment takes the Hub options in its one options object", () => {
  it("offline: true in the options is honoured (no network: the bundled snapshot is used)", async () => {
    const plan = await planDeployment("meta-llama/Meta-Llama-3-8B", {
      workload: "qlora",
      ...offline,
    });
    expect(plan.model.source.kind).toBe("bundled");
  });
});

describe("readOption", () => {
  interface Options {
    readonly batchSize?: number | undefined;
  }
  const table: OptionTable<Options> = {
    batchSize: {
      field: integerField(),
      default: 1,
      note: (n: number) => `batchSize: default ${n}`,
    },
  };

  it("returns the given value, else the default with its note", () => {
    const notes: string[] = [];
    expect(readOption(table, { batchSize: 8 }, "batchSize", notes)).toBe(8);
    const none: Options = {};
    expect(readOption(table, none, "batchSize", notes)).toBe(1);
    expect(notes).toEqual(["batchSize: default 1"]);
  });

  it("names the option, what it expected and what it got", () => {
    expect(() => readOption<Options, "batchSize">(table, { batchSize: -1 }, "batchSize")).toThrow(
      "Invalid option batchSize: expected a positive whole number, got -1.",
    );
    expect(() => readOption(table, { batchSize: "8" as never }, "batchSize")).toThrow(
      'got the string "8"',
    );
  });
});
