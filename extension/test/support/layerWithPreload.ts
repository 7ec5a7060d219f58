/**
 * The BUILT layer unpacked for a test file, with a preload script beside it and the STS stand-in:
 * for tests that watch the layer's node from inside (modules loaded, calls made) through `--require`.
 * Registers its own beforeAll/afterAll.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { extractLayer, layerEntries } from "../../../layer/test/support/layer.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";

export interface LayerWithPreload {
  /** the test file's scratch folder */
  readonly work: string;
  readonly sts: StsStandIn;
  /** the layer's own node */
  readonly node: string;
  /** A file of the unpacked layer: `path` under credentials-sidecar/. */
  file(path: string): string;
  /** The extension started as the launcher does (its node and flags), with the preload required. */
  command(): string[];
}

export function useLayerWithPreload(name: string, preload: string): LayerWithPreload {
  let work = "";
  let opt = "";
  let sts: StsStandIn | undefined;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), `${name}-`));
    opt = extractLayer((await layerEntries(work)).entries, join(work, "opt"));
    writeFileSync(join(work, "preload.cjs"), preload);
    sts = await startStsStandIn();
  }, 120_000);
  afterAll(async () => {
    await sts?.close();
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });
  const node = () => join(opt, "credentials-sidecar", "bin", "node");
  return {
    get work() {
      return work;
    },
    get sts() {
      if (sts === undefined) throw new Error("the STS stand-in is not started yet (beforeAll)");
      return sts;
    },
    get node() {
      return node();
    },
    file: (path) => join(opt, "credentials-sidecar", path),
    command: () => [
      node(),
      "--max-semi-space-size=1",
      "--no-concurrent-recompilation",
      "--require",
      join(work, "preload.cjs"),
      join(opt, "credentials-sidecar", "extension.mjs"),
    ],
  };
}
