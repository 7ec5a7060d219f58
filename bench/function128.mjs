// 4. A 128 MB function: the sidecar and a Python boto3 function started through the layer's wrapper,
// both in one v1 memory cgroup limited to 128 MiB, through N invocations that each make an STS call
// (GetCallerIdentity) with the role's credentials. Driven by bench/lambda_timer.py; the STS stand-in
// in this process answers the sidecar's AssumeRole and the function's calls.
import { join } from "node:path";
import { runPythonTimer } from "./lib/pythonTimer.mjs";
import { sidecarEnv } from "./lib/sidecar.mjs";

const LIMIT_BYTES = 128 * 2 ** 20;

/**
 * @param {{ layerRoot: string, launcher: string, sts: object, roleArn: string, invocations: number,
 *   progress?: (line: string) => void }} options
 */
export async function measureFunction({ layerRoot, launcher, sts, roleArn, invocations, progress }) {
  const callsBefore = sts.calls("GetCallerIdentity");
  const assumedBefore = sts.calls("AssumeRole");
  const result = await runPythonTimer(
    "function",
    {
      layerRoot,
      launcher,
      wrapper: join(layerRoot, "credentials-sidecar", "wrapper"),
      roleArn,
      sidecarEnv: sidecarEnv({ sts, roleArn }),
      invocations,
      limitBytes: LIMIT_BYTES,
      timeoutSeconds: 600,
      sts: {
        endpoint: sts.endpoint,
        accessKeyId: sts.base.accessKeyId,
        secretAccessKey: sts.base.secretAccessKey,
      },
    },
    progress,
  );
  return {
    ...result,
    limitMiB: result.limitBytes / 2 ** 20,
    maxUsageMiB: result.maxUsageBytes / 2 ** 20,
    stsCalls: sts.calls("GetCallerIdentity") - callsBefore,
    assumeRoleCalls: sts.calls("AssumeRole") - assumedBefore,
  };
}
