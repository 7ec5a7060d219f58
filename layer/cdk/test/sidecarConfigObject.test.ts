import { describe, expect, it } from "vitest";
import schema from "../../../config.schema.json" with { type: "json" };
import { ROLE_CONFIG_KEYS, SIDECAR_CONFIG_KEYS } from "../sidecarConfigObject.js";

describe("SidecarConfigObject", () => {
  it("has exactly the role keys of config.schema.json", () => {
    expect(Object.keys(ROLE_CONFIG_KEYS).sort()).toEqual(Object.keys(schema.$defs.role.properties).sort());
  });

  it("has exactly the top-level keys of config.schema.json, less the editors' $schema", () => {
    const keys = Object.keys(schema.properties).filter((key) => key !== "$schema");
    expect(Object.keys(SIDECAR_CONFIG_KEYS).sort()).toEqual(keys.sort());
  });
});
