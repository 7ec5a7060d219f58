// 1. Cold start, timed from outside Node by bench/lambda_timer.py (the harness's own event loop
// would slow the baseline's spawn and exit more than the subject's): spawn of the layer's launcher →
// its `register` call at a timing Runtime API; → the runtime's command running (the layer's wrapper
// started the moment `register` is answered, as Lambda does); → the first `event/next` (the end of
// the extension's init); → the first credentials served; an AssumeRole
// round trip to the STS stand-in in every run, to subtract; baseline: the same node binary running
// `-e 0` (spawn → exit), interleaved run by run with the subject so machine noise hits both alike.
import { prepareExtensionFloor } from "./lib/extensionFloor.mjs";
import { runPythonTimer } from "./lib/pythonTimer.mjs";
import { sidecarEnv } from "./lib/sidecar.mjs";
import { summarize } from "./lib/stats.mjs";

/**
 * @param {{ layerRoot: string, launcher: string, node: string, sts: object, roleArn: string,
 *   runs: number, variants: { name: string, env?: Record<string, string>, roles: string[] }[],
 *   progress?: (line: string) => void }} options
 * @returns {Promise<Record<string, object>>} per variant: summaries and per-run ratios
 */
export async function measureColdStart({
  layerRoot,
  launcher,
  node,
  sts,
  roleArn,
  runs,
  variants,
  progress,
}) {
  const extensionFloor = await prepareExtensionFloor({ node, sts, roleArn });
  let raw;
  try {
    raw = await runPythonTimer(
      "cold",
      {
        layerRoot,
        launcher,
        node,
        roleArn,
        sidecarEnv: sidecarEnv({ sts, roleArn }),
        extensionFloor: { command: extensionFloor.command, env: extensionFloor.env },
        runs,
        variants,
        sts: {
          endpoint: sts.endpoint,
          accessKeyId: sts.base.accessKeyId,
          secretAccessKey: sts.base.secretAccessKey,
        },
      },
      progress,
    );
  } finally {
    extensionFloor.close();
  }
  const out = {};
  for (const [name, rows] of Object.entries(raw)) {
    /** Each run's time less the STS round trip of the same run. */
    const lessRoundTrip = (series) => series.map((ms, i) => ms - rows.stsRoundTrip[i]);
    /** Per-run ratios against the neighbouring baseline run: their spread is the ratio's noise. */
    const perBaseline = (series) => summarize(series.map((ms, i) => ms / rows.baseline[i]));
    const net = lessRoundTrip(rows.credentials);
    const floorNet = lessRoundTrip(rows.floor);
    const extensionFloorNet = lessRoundTrip(rows.extensionFloor);
    out[name] = {
      baseline: summarize(rows.baseline),
      register: summarize(rows.register),
      runtime: summarize(rows.runtime),
      eventNext: summarize(rows.eventNext),
      credentials: summarize(rows.credentials),
      allRoles: summarize(rows.allRoles),
      stsRoundTrip: summarize(rows.stsRoundTrip),
      credentialsNet: summarize(net),
      floor: summarize(rows.floor),
      floorNet: summarize(floorNet),
      floorNetRatio: perBaseline(floorNet),
      extensionFloor: summarize(rows.extensionFloor),
      extensionFloorNet: summarize(extensionFloorNet),
      extensionFloorNetRatio: perBaseline(extensionFloorNet),
      registerRatio: perBaseline(rows.register),
      runtimeRatio: perBaseline(rows.runtime),
      eventNextRatio: perBaseline(rows.eventNext),
      credentialsRatio: perBaseline(rows.credentials),
      credentialsNetRatio: perBaseline(net),
    };
  }
  return out;
}
