import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { environmentKeys, sharedConfigFileHasContent } from "./assumerChoice.js";

describe("environmentKeys", () => {
  it("takes the keys Lambda puts in the environment, with the session token", () => {
    expect(
      environmentKeys({ AWS_ACCESS_KEY_ID: "ASIA1", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "t" }),
    ).toEqual({ accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t" });
    expect(environmentKeys({ AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s" })).toEqual({
      accessKeyId: "AKIA1",
      secretAccessKey: "s",
    });
  });

  it.each([
    ["no keys", {}],
    ["a key without its secret", { AWS_ACCESS_KEY_ID: "AKIA1" }],
    ["an empty secret", { AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "" }],
    // The SDK's chain skips environment keys when a profile is named: so does the sidecar (SDK path).
    [
      "a profile named beside the keys",
      { AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s", AWS_PROFILE: "p" },
    ],
  ])("leaves %s to the SDK's credential chain", (_, env) => {
    expect(environmentKeys(env)).toBeUndefined();
  });
});

describe("sharedConfigFileHasContent", () => {
  it("is true only for a config file with something in it", () => {
    const dir = mkdtempSync(join(tmpdir(), "assumer-choice-"));
    try {
      const full = join(dir, "config");
      const empty = join(dir, "empty");
      writeFileSync(full, "[default]\nuse_fips_endpoint = true\n");
      writeFileSync(empty, "");
      expect(sharedConfigFileHasContent({ AWS_CONFIG_FILE: full })).toBe(true);
      expect(sharedConfigFileHasContent({ AWS_CONFIG_FILE: empty })).toBe(false);
      expect(sharedConfigFileHasContent({ AWS_CONFIG_FILE: "/dev/null" })).toBe(false);
      expect(sharedConfigFileHasContent({ AWS_CONFIG_FILE: join(dir, "missing") })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
