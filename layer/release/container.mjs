// The container extension image: container-image functions cannot use layers, so the layer's tree
// goes under /opt in an image (FROM scratch) that function images copy from. This module writes the
// image's build context and, where buildah runs, builds the image into a reproducible OCI archive.
// The context is the one layer/container/Dockerfile expects: one folder per architecture named as
// Docker's TARGETARCH names it (amd64, arm64), each holding that architecture's layer tree, which
// the Dockerfile copies to /opt; one context serves a multi-platform `docker buildx build`.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractZip } from "../zip.mjs";
import { ARCHITECTURES, OCI_ARCH } from "./artifacts.mjs";

/** Writes `dir/<amd64|arm64>/…` (each architecture's layer zip, modes kept) and `dir/Dockerfile`. */
export async function writeContext(dir, layerZips, dockerfile) {
  mkdirSync(dir, { recursive: true });
  for (const arch of ARCHITECTURES) await extractZip(layerZips[arch], join(dir, OCI_ARCH[arch]));
  copyFileSync(dockerfile, join(dir, "Dockerfile"));
}

/** Why buildah cannot build here, or undefined when it can. */
export function buildahMissing() {
  const result = spawnSync("buildah", ["--version"], { encoding: "utf8" });
  if (result.error) return `buildah is not installed (${result.error.message})`;
  if (result.status !== 0) return `buildah --version failed: ${result.stderr.trim()}`;
  // Without root, buildah needs a user namespace (subuid ranges; some kernels forbid it).
  if (process.getuid?.() !== 0) {
    const unshare = spawnSync("buildah", ["unshare", "true"], { encoding: "utf8" });
    if (unshare.status !== 0) return `buildah cannot run without root here: ${unshare.stderr.trim()}`;
  }
  return undefined;
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new Error(`${command} ${args.join(" ")} failed (${why}):\n${result.stderr.trim()}`);
  }
  return result.stdout;
}

/**
 * Builds the context's image for one architecture and writes it to `archive` as an OCI archive.
 * Reproducible: buildah's --timestamp 0 fixes the image's creation time and every file's mtime in
 * its layer, and the archive is written by GNU tar with sorted names, fixed mtimes, owners and modes
 * (buildah's own oci-archive: transport stamps the current time on the tar entries). A throwaway
 * storage folder keeps the machine's image store untouched; vfs needs no kernel overlay support.
 * The Dockerfile gets TARGETARCH (amd64, arm64) from --platform, as with Docker, and Lambda's name
 * of the architecture (x86_64, arm64) as the build argument ARCH. Nothing is run inside the image,
 * so an arm64 image builds on an x86_64 machine without emulation.
 */
export function buildImage({ context, arch, version, archive }) {
  const scratch = mkdtempSync(join(tmpdir(), "credentials-sidecar-image-"));
  const storage = [
    "--root",
    join(scratch, "root"),
    "--runroot",
    join(scratch, "run"),
    "--storage-driver",
    "vfs",
  ];
  const tag = `localhost/credentials-sidecar:${version}-${arch}`;
  try {
    run("buildah", [
      ...storage,
      "bud",
      "--quiet",
      "--isolation",
      "chroot",
      "--timestamp",
      "0",
      "--platform",
      `linux/${OCI_ARCH[arch]}`,
      "--build-arg",
      `ARCH=${arch}`,
      "--label",
      `org.opencontainers.image.title=credentials-sidecar`,
      "--label",
      `org.opencontainers.image.version=${version}`,
      "--tag",
      tag,
      "--file",
      join(context, "Dockerfile"),
      context,
    ]);
    const layout = join(scratch, "oci");
    run("buildah", [...storage, "push", "--quiet", tag, `oci:${layout}:credentials-sidecar:${version}`]);
    run("tar", [
      "--create",
      "--file",
      archive,
      "--format=gnu",
      "--sort=name",
      "--mtime=@0",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mode=u+rw,go-w,a+rX",
      "--directory",
      layout,
      "oci-layout",
      "index.json",
      "blobs",
    ]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
