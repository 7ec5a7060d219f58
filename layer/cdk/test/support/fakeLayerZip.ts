import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeZip } from "../../../zip.mjs";

/** A small stand-in for dist/layer-<arch>.zip, so synth tests need no `make layer`. */
export async function fakeLayerZip(): Promise<string> {
  const zip = await writeZip([
    { name: "credentials-sidecar/wrapper", data: Buffer.from('#!/bin/sh\nexec "$@"\n'), mode: 0o755 },
  ]);
  const path = join(mkdtempSync(join(tmpdir(), "fake-layer-")), "layer-x86_64.zip");
  writeFileSync(path, zip);
  return path;
}
