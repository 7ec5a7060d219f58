// Cold start with the hand-written SigV4 (extension/src/sts/sigV4.ts) against the SDK's own signer
// (@smithy/signature-v4), issue 19 §10: each side bundled as the product's build bundles a chunk
// (esbuild, minified ESM), run by the layer's node, timed from spawn to the first signed request
// (the child prints its Authorization header), with a V8 compile cache as the layer has. Interleaved
// pairs, the order alternating.
// Run alone: node bench/signerCost.mjs [--pairs 30] [--node dist/…/bin/node]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { unpackLayer } from "./lib/layer.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const REQUEST = `const url = new URL("https://sts.eu-west-1.amazonaws.com/");
const body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s";
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token" };`;

const SIDES = {
  ours: `import { signRequest } from ${JSON.stringify(`${root}extension/src/sts/sigV4.ts`)};
${REQUEST}
const headers = signRequest({ method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, body }, credentials, { region: "eu-west-1", service: "sts" }, new Date());
process.stdout.write(headers.authorization + "\\n");`,
  smithy: `import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
${REQUEST}
/** @smithy/hash-node's Hash, on node:crypto as ours. */
class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac("sha256", secret) : createHash("sha256"); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}
const signer = new SignatureV4({ credentials, region: "eu-west-1", service: "sts", sha256: Sha256 });
const signed = await signer.sign({ method: "POST", protocol: url.protocol, hostname: url.hostname, path: url.pathname, query: {}, headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" }, body });
process.stdout.write(signed.headers.authorization + "\\n");`,
};

async function bundle(dir) {
  const files = {};
  for (const [side, source] of Object.entries(SIDES)) {
    const entry = join(dir, `${side}.entry.mjs`);
    writeFileSync(entry, source);
    files[side] = join(dir, `${side}.mjs`);
    const result = await esbuild.build({
      entryPoints: [entry],
      outfile: files[side],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minify: true,
      legalComments: "none",
      metafile: true,
      nodePaths: [join(root, "node_modules")],
      banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
      logLevel: "warning",
    });
    files[`${side}Bytes`] = Object.values(result.metafile.outputs)[0].bytes;
  }
  return files;
}

function timeOne(node, file, cacheDir) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_COMPILE_CACHE: cacheDir };
    const started = process.hrtime.bigint();
    const child = spawn(node, [file], { stdio: ["ignore", "pipe", "inherit"], env });
    let out = "";
    let at;
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (at === undefined && out.includes("\n")) at = process.hrtime.bigint();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0 || at === undefined || !out.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
        reject(new Error(`${file} exited ${code}: ${out}`));
      else resolve(Number(at - started) / 1e6);
    });
  });
}

const quantile = (sorted, q) => {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
};
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
};

export async function measureSignerCost({ pairs, node }) {
  const dir = mkdtempSync(join(tmpdir(), "signer-cost-"));
  try {
    const files = await bundle(dir);
    // As the layer ships a V8 compile cache of its chunks: the first runs write it (and warm the page cache).
    const cache = join(dir, "compile-cache");
    for (const side of ["ours", "smithy", "ours", "smithy"]) await timeOne(node, files[side], cache);
    const ours = [];
    const smithy = [];
    for (let i = 0; i < pairs; i++) {
      const order = i % 2 === 0 ? ["ours", "smithy"] : ["smithy", "ours"];
      for (const side of order)
        (side === "ours" ? ours : smithy).push(await timeOne(node, files[side], cache));
    }
    const differences = smithy.map((ms, i) => ms - ours[i]);
    return {
      pairs,
      node,
      bundleBytes: { ours: files.oursBytes, smithy: files.smithyBytes },
      spawnToSignedMs: { ours: summary(ours), smithy: summary(smithy) },
      smithyMinusOursMs: summary(differences),
      smithySlowerInPairs: differences.filter((d) => d > 0).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { pairs: { type: "string", default: "30" }, node: { type: "string" } },
  });
  let node = values.node;
  let layer;
  if (node === undefined) {
    layer = await unpackLayer(join(root, "dist", "layer-x86_64.zip"));
    node = layer.node ?? process.execPath;
  }
  try {
    console.log(JSON.stringify(await measureSignerCost({ pairs: Number(values.pairs), node }), null, 2));
  } finally {
    if (layer) rmSync(layer.root, { recursive: true, force: true });
  }
}
