// Heap snapshots of the sidecar under load (a diagnosis tool, not part of `make bench`): the layer's
// launcher is copied with node's --heapsnapshot-signal added, the sidecar serves N requests from 64
// clients, then SIGUSR2 writes a snapshot; again after N more. Compare the two in Chrome DevTools
// (Memory → Comparison) or with --summary, which lists the constructors whose count or size grew.
// Usage: node bench/heapSnapshots.mjs [--requests 100000] [--out DIR] [--summary]
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stsStandInModule } from "../extension/devkit/sourceModules.mjs";
import { unpackLayer } from "./lib/layer.mjs";
import { runLoad } from "./lib/load.mjs";
import { startTimingRuntime } from "./lib/mockRuntime.mjs";
import { memoryOf, ROLE, startRegisteredSidecar } from "./lib/sidecar.mjs";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "100000" },
    out: { type: "string", default: "heap-snapshots" },
    summary: { type: "boolean", default: false },
  },
});
const requests = Number(values.requests);
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

const layer = await unpackLayer(resolve("dist/layer-x86_64.zip"));
// The launcher as shipped, but node also writes a heap snapshot into `out` on SIGUSR2.
const shipped = readFileSync(layer.launcher, "utf8");
const patched = shipped.replace(
  /^exec "\$node" /m,
  `cd '${out}' || exit 1\nexec "$node" --heapsnapshot-signal=SIGUSR2 `,
);
if (patched === shipped) throw new Error("the launcher's exec line was not found");
writeFileSync(layer.launcher, patched);
chmodSync(layer.launcher, 0o755);

const { startStsStandIn } = await stsStandInModule();
const sts = await startStsStandIn();
const subject = await startRegisteredSidecar({ launcher: layer.launcher, sts, startTimingRuntime });
const pid = subject.sidecar.child.pid;
const target = {
  port: subject.sidecar.port,
  path: `/roles/${ROLE}`,
  headers: { authorization: subject.token },
};

async function snapshot(label) {
  const before = new Set(readdirSync(out));
  process.kill(pid, "SIGUSR2");
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const added = readdirSync(out).filter((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    // Written in one go once V8 has it; wait until its size stops changing.
    if (added.length === 1) {
      const path = join(out, added[0]);
      const size = statSync(path).size;
      await new Promise((r) => setTimeout(r, 500));
      if (statSync(path).size === size && size > 0) {
        process.stderr.write(
          `${label}: ${path} (${(size / 2 ** 20).toFixed(1)} MiB), RSS ${memoryOf(pid).rssMiB.toFixed(1)} MiB\n`,
        );
        return path;
      }
    }
  }
}

const snapshots = [];
try {
  snapshots.push(await snapshot("after start"));
  for (const step of [1, 2]) {
    const run = await runLoad({ ...target, connections: 64, requests });
    if (run.statuses[200] !== run.done) throw new Error(`answered ${JSON.stringify(run.statuses)}`);
    snapshots.push(await snapshot(`after ${(step * requests).toLocaleString("en")} requests`));
  }
} finally {
  await subject.stop();
  await sts.close();
  rmSync(layer.root, { recursive: true, force: true });
}

/** Self size and count per constructor name, from a .heapsnapshot file. */
function byConstructor(path) {
  const { snapshot: meta, nodes, strings } = JSON.parse(readFileSync(path, "utf8"));
  const fields = meta.meta.node_fields;
  const types = meta.meta.node_types[0];
  const [iType, iName, iSize] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const totals = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + iType]];
    const key = type === "object" || type === "closure" ? `${type}:${strings[nodes[i + iName]]}` : type;
    const entry = totals.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + iSize];
    totals.set(key, entry);
  }
  return totals;
}

if (values.summary) {
  const [start, first, second] = snapshots.map(byConstructor);
  const rows = [...first.entries()].map(([key, at1]) => ({
    key,
    start: start.get(key) ?? { count: 0, bytes: 0 },
    at1,
    at2: second.get(key) ?? { count: 0, bytes: 0 },
  }));
  rows.sort((a, b) => b.at2.bytes - a.at2.bytes);
  const kib = (n) => (n / 1024).toFixed(1);
  console.log("constructor | count start / 1st / 2nd | KiB start / 1st / 2nd");
  for (const { key, start: s, at1, at2 } of rows.slice(0, 40))
    console.log(
      `${key} | ${s.count} / ${at1.count} / ${at2.count} | ${kib(s.bytes)} / ${kib(at1.bytes)} / ${kib(at2.bytes)}`,
    );
  const total = (m) => [...m.values()].reduce((sum, e) => sum + e.bytes, 0);
  console.log(`total KiB: ${kib(total(start))} / ${kib(total(first))} / ${kib(total(second))}`);
}
