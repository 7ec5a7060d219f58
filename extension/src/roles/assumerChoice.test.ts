import { describe, expect, it } from "vitest";
import { environmentKeys } from "./assumerChoice.js";

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
