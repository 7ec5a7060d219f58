import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate.js";
import { UsageError } from "./io.js";
import { foreignRoles, parseLocalArgs } from "./local.js";

describe("parseLocalArgs", () => {
  it("has defaults for everything but --config, and us-east-1 for the stand-in", () => {
    const options = parseLocalArgs(["--config", "c.yaml"], {});
    expect(options).toEqual({
      config: resolve("c.yaml"),
      sts: "builtin",
      port: 9770,
      region: "us-east-1",
      exportFile: undefined,
      invokeEverySeconds: 60,
      managedInstances: false,
      command: [],
    });
  });

  it("takes the region from the environment, and none for real STS when it is unset", () => {
    expect(parseLocalArgs(["-c", "c.yaml"], { AWS_DEFAULT_REGION: "eu-west-3" })).toMatchObject({
      region: "eu-west-3",
    });
    expect(parseLocalArgs(["-c", "c.yaml", "--sts", "aws"], {})).toMatchObject({
      sts: "aws",
      region: undefined,
    });
    expect(parseLocalArgs(["-c", "c.yaml", "--region", "ap-south-1"], { AWS_REGION: "x" })).toMatchObject({
      region: "ap-south-1",
    });
  });

  it("runs the words after -- as a command, options included", () => {
    const options = parseLocalArgs(
      ["-c", "c.yaml", "--port", "9999", "--", "aws", "s3", "ls", "--debug"],
      {},
    );
    expect(options).toMatchObject({ port: 9999, command: ["aws", "s3", "ls", "--debug"] });
  });

  it("refuses a command without --, so a typo is never run", () => {
    expect(() => parseLocalArgs(["-c", "c.yaml", "aws"], {})).toThrow(/put a command after --/);
  });

  it("needs --config and checks the other values", () => {
    expect(() => parseLocalArgs([], {})).toThrow(UsageError);
    expect(() => parseLocalArgs(["-c", "c", "--sts", "moto"], {})).toThrow(/--sts must be builtin or aws/);
    expect(() => parseLocalArgs(["-c", "c", "--port", "65536"], {})).toThrow(/--port/);
    expect(parseLocalArgs(["-c", "c", "--port", "0"], {})).toMatchObject({ port: 0 }); // any free port
    expect(() => parseLocalArgs(["-c", "c", "--invoke-every", "0"], {})).toThrow(/--invoke-every/);
  });

  it("takes --tenant-id, not with --managed-instances and not blank", () => {
    expect(parseLocalArgs(["-c", "c.yaml", "--tenant-id", "blue"], {})).toMatchObject({ tenantId: "blue" });
    expect(parseLocalArgs(["-c", "c.yaml"], {})).toMatchObject({ tenantId: undefined });
    expect(() => parseLocalArgs(["-c", "c.yaml", "--tenant-id", "b", "--managed-instances"], {})).toThrow(
      /--tenant-id needs INVOKE events/,
    );
    for (const bad of ["", " blue", "x".repeat(257)])
      expect(() => parseLocalArgs(["-c", "c.yaml", "--tenant-id", bad], {})).toThrow(
        /--tenant-id needs a tenant id/,
      );
  });

  it("takes --managed-instances, and refuses --invoke-every with it (there are no INVOKE events)", () => {
    expect(parseLocalArgs(["-c", "c.yaml", "--managed-instances"], {})).toMatchObject({
      managedInstances: true,
    });
    expect(() => parseLocalArgs(["-c", "c.yaml", "--managed-instances", "--invoke-every", "5"], {})).toThrow(
      /--invoke-every does nothing with --managed-instances/,
    );
  });

  it("answers --help without needing --config", () => {
    expect(parseLocalArgs(["--help"], {})).toBe("help");
  });
});

describe("foreignRoles", () => {
  it("warns about each role the stand-in's account does not hold", () => {
    const result = validateConfig({
      roles: {
        mine: { RoleArn: "arn:aws:iam::123456789012:role/mine" },
        theirs: { RoleArn: "arn:aws:iam::999999999999:role/theirs" },
      },
    });
    if (!result.ok) throw new Error("test config invalid");
    const warnings = foreignRoles(result.config);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^role theirs \(arn:aws:iam::999999999999:role\/theirs\) is not in account 123456789012/,
    );
  });
});
