import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toYaml } from "../../../src/deploy/templates/yaml.js";

describe("toYaml", () => {
  it("writes block style with two-space indents, as written out by hand here", () => {
    const yaml = toYaml(
      {
        model: "org/m",
        port: 8000,
        on: true,
        list: [1, "a"],
        nested: { deep: { x: null } },
        empty: [],
        none: {},
      },
      { comments: ["first", "second"] },
    );
    expect(yaml).toBe(
      [
        "# first",
        "# second",
        "model: org/m",
        "port: 8000",
        // "on" is a YAML 1.1 boolean: the key is quoted.
        '"on": true',
        "list:",
        "  - 1",
        "  - a",
        "nested:",
        "  deep:",
        "    x: null",
        "empty: []",
        "none: {}",
        "",
      ].join("\n"),
    );
  });

  it("quotes strings that would read as something else", () => {
    const strings = [
      "true",
      "No",
      "null",
      "~",
      "0.0.0.0",
      "8000",
      "1e3",
      "",
      " lead",
      "a: b",
      "#x",
      "-",
      "$Latest",
      "x:",
    ];
    for (const text of strings) {
      const line = toYaml({ k: text }).trim();
      expect(line, text).toBe(`k: ${JSON.stringify(text)}`);
      expect(parse(line).k).toBe(text);
    }
    // Plain where safe: names, paths, CloudFormation types.
    expect(toYaml({ k: "AWS::EC2::LaunchTemplate" })).toBe("k: AWS::EC2::LaunchTemplate\n");
    expect(toYaml({ k: "/dev/shm" })).toBe("k: /dev/shm\n");
  });

  it("writes non-integers with a decimal point, which YAML 1.1 (PyYAML) also reads as numbers", () => {
    expect(toYaml({ lr: 0.0002, tiny: 1e-7, huge: 1e21, neg: -0 })).toBe(
      "lr: 0.0002\ntiny: 1.0e-7\nhuge: 1.0e+21\nneg: -0.0\n",
    );
    const read = parse(toYaml({ tiny: 1e-7, huge: 1.5e300 }), { version: "1.1" });
    expect(read).toEqual({ tiny: 1e-7, huge: 1.5e300 });
    expect(() => toYaml({ x: Number.NaN })).toThrow(TypeError);
  });

  it("writes multi-line strings as literal blocks", () => {
    const script = "#!/bin/bash\nset -e\n\necho 'hi' \\\n  --flag\n";
    const yaml = toYaml({ UserData: { "Fn::Base64": script } });
    expect(yaml).toBe(
      "UserData:\n  Fn::Base64: |\n    #!/bin/bash\n    set -e\n\n    echo 'hi' \\\n      --flag\n",
    );
    expect(parse(yaml).UserData["Fn::Base64"]).toBe(script);
    expect(parse(toYaml({ k: "a\nb" })).k).toBe("a\nb");
    expect(toYaml({ k: "a\nb" })).toBe("k: |-\n  a\n  b\n");
  });

  it("nests lists of maps and lists of lists", () => {
    const value = { a: [{ b: 1, c: [2, { d: "e" }] }, [3, [4]]] };
    expect(toYaml(value)).toBe(
      "a:\n  - b: 1\n    c:\n      - 2\n      - d: e\n  - - 3\n    - - 4\n",
    );
    expect(parse(toYaml(value))).toEqual(value);
  });
});
