/**
 * Switches spelled otherwise than `true`/`false` stop the bundled extension at init (issue 19 §7):
 * init/error naming the variable and the value, and exit 1, so the function cannot start acting as
 * another identity than meant. (The wrapper refuses them too: layer/test/wrapperEnvironments.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { startExtension } from "../support/extensionProcess.js";
import { wrongSwitchSpellings } from "../support/switchSpellings.js";

const ROLE_ARN = "arn:aws:iam::123456789012:role/app";

describe("the bundled extension with a misspelt switch", () => {
  const cases = wrongSwitchSpellings(0x1417, 3).flatMap((spelling) => [
    ["CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE", spelling] as const,
    ["CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY", spelling] as const,
  ]);

  it.each(cases)("%s=%j: init/error naming it and the value, exit 1", async (name, spelling) => {
    const runtime = await startMockRuntimeApi();
    const sidecar = await startExtension({
      env: {
        AWS_LAMBDA_RUNTIME_API: runtime.address,
        AWS_REGION: "eu-west-1",
        CREDENTIALS_SIDECAR_ROLE_ARN: ROLE_ARN,
        [name]: spelling,
      },
    });
    try {
      const error = await runtime.waitForError();
      const exit = await sidecar.exited();

      expect(error.route).toBe("init/error");
      const message = (error.body as { errorMessage: string }).errorMessage;
      expect(message).toContain(name);
      expect(message).toContain(`must be true or false, got ${JSON.stringify(spelling)}`);
      expect(exit.code).toBe(1);
    } finally {
      sidecar.kill();
      await runtime.close();
    }
  });
});
