/**
 * The layer's size budget, on the real zips (the build test checks the zips' fixed part against it
 * with a stand-in bundle): each architecture's zip, with its node, bundles and code caches, within
 * 110 MB unzipped and 45 MB zipped. The x86_64 zip is within a few tens of kilobytes of it (node alone is
 * 108.5 MB): a change that adds code must find the room (bench/RESULTS.md, "Sizes").
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { LAYER_ARCH, type LayerArch, layerEntries } from "./support/layer.js";

const CACHES = [
  "code-cache/beforeRegister.cjs.v8",
  "code-cache/afterRegister.cjs.v8",
  "code-cache/parseYaml.cjs.v8",
];

const work = mkdtempSync(join(tmpdir(), "size-budget-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it.each<LayerArch>(["x86_64", "arm64"])(
  "layer-%s.zip fits 110 MB unzipped and 45 MB zipped, code caches included",
  async (arch) => {
    const { entries, zip } = await layerEntries(work, arch);
    const names = entries.map((entry) => entry.name);
    // Control: these are the full zips, with node, and (for the zip whose node runs here, as the
    // other's does only under qemu-user) every start-up bundle's code cache.
    const shipped = ["bin/node", ...(arch === LAYER_ARCH ? CACHES : [])];
    for (const name of shipped) expect(names).toContain(`credentials-sidecar/${name}`);
    const unzipped = entries.reduce((sum, entry) => sum + entry.data.length, 0);
    expect(unzipped).toBeLessThanOrEqual(110e6);
    expect(readFileSync(zip).length).toBeLessThan(45e6);
  },
  300_000,
);
