import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeZip } from "../../../../layer/zip.mjs";
import { CliError } from "../io.js";
import { chooseLayerZip, unpackLayer } from "./layer.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-layer-"));
});

const file = (name: string, text: string, mode: number) => ({ name, data: Buffer.from(text), mode });

describe("chooseLayerZip", () => {
  const installed = (architecture: string) => ({ zip: `/pkgs/layer-${architecture}/layer.zip` });
  const none = (architecture: string) => ({ missing: `the ${architecture} layer is not installed` });

  it("uses the zip with node for this architecture on Linux", () => {
    expect(chooseLayerZip("linux", "x64", installed)).toEqual({
      zip: "/pkgs/layer-x86_64/layer.zip",
      hostNode: false,
      note: "layer-x86_64.zip, with its own node, as on a Lambda x86_64 function",
    });
    expect(chooseLayerZip("linux", "arm64", installed).zip).toBe("/pkgs/layer-arm64/layer.zip");
  });

  it("falls back to the node-less zip on Linux when that architecture's layer is not installed, naming it", () => {
    const choice = chooseLayerZip("linux", "x64", none);
    expect(choice.zip).toMatch(/layer-nodejs\.zip$/);
    expect(choice.hostNode).toBe(true);
    expect(choice.note).toContain("npm install @credentials-sidecar/layer-x86_64");
  });

  it("falls back to the node-less zip and this node elsewhere, and says why", () => {
    const choice = chooseLayerZip("darwin", "arm64");
    expect(choice.zip).toMatch(/layer-nodejs\.zip$/);
    expect(choice.hostNode).toBe(true);
    expect(choice.note).toContain("darwin-arm64");
  });
});

describe("unpackLayer", () => {
  it("unzips like Lambda does into /opt, keeping the executable bits", async () => {
    const zip = join(dir, "layer.zip");
    writeFileSync(
      zip,
      await writeZip([
        file("extensions/credentials-sidecar", "#!/bin/sh\n", 0o755),
        file("credentials-sidecar/wrapper", "#!/bin/sh\n", 0o755),
        file("credentials-sidecar/extension.mjs", "// bundle\n", 0o644),
      ]),
    );
    const into = join(dir, "opt");
    const { launcher, wrapper } = await unpackLayer(zip, into);
    expect(launcher).toBe(join(into, "extensions", "credentials-sidecar"));
    expect(statSync(launcher).mode & 0o777).toBe(0o755);
    expect(statSync(wrapper).mode & 0o777).toBe(0o755);
    expect(statSync(join(into, "credentials-sidecar", "extension.mjs")).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(into, "credentials-sidecar", "extension.mjs"), "utf8")).toBe("// bundle\n");
  });

  it("tells to run make layer when the zip is missing", async () => {
    await expect(unpackLayer(join(dir, "missing.zip"), join(dir, "x"))).rejects.toThrow(
      /run `make layer` first/,
    );
  });

  it("refuses an entry that would land outside the folder", async () => {
    const zip = join(dir, "evil.zip");
    // writeZip refuses such names, so rename a safe entry in the bytes (local and central headers).
    const bytes = await writeZip([file("xx/escaped", "x", 0o644)]);
    writeFileSync(
      zip,
      Buffer.from(bytes.toString("latin1").replaceAll("xx/escaped", "../escaped"), "latin1"),
    );
    await expect(unpackLayer(zip, join(dir, "opt2"))).rejects.toThrow(CliError);
    expect(existsSync(join(dir, "escaped"))).toBe(false);
  });

  it("refuses a zip without the launcher or the wrapper", async () => {
    const zip = join(dir, "partial.zip");
    writeFileSync(zip, await writeZip([file("credentials-sidecar/wrapper", "#!/bin/sh\n", 0o755)]));
    await expect(unpackLayer(zip, join(dir, "opt3"))).rejects.toThrow(
      /has no extensions\/credentials-sidecar/,
    );
  });
});
