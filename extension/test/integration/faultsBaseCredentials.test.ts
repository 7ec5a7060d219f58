/**
 * The bundled extension with wrong, unknown or missing base credentials, and with roles STS refuses
 * (AccessDenied, a chained role from one, a wrong or missing ExternalId): clear codes, slow retries,
 * init goes on (or fails with Extension.NoBaseCredentials when there are no keys at all).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { PERMANENT_BACKOFF } from "../../src/roles/refreshPolicy.js";
import { startExtension } from "../support/extensionProcess.js";
import {
  baseEnv,
  EXTENSION,
  FUNCTION_NAME,
  failures,
  type Running,
  roleArn,
  rolesConfig,
  startSidecar,
} from "../support/sidecarUnderFaults.js";

describe("base credentials and refused roles", () => {
  let sts: StsStandIn;
  const EXTERNAL_ID = "partner-4711";

  beforeAll(async () => {
    sts = await startStsStandIn({
      deniedRoles: ["denied"],
      externalIds: { partner: EXTERNAL_ID, partnerWrongId: EXTERNAL_ID, partnerNoId: EXTERNAL_ID },
    });
  });
  afterAll(async () => {
    await sts?.close();
  });

  /** Runs one INVOKE so the extension is past init (where init/error would have been posted). */
  async function pastInit(run: Running): Promise<void> {
    run.runtime.invoke({});
    await run.runtime.waitForIdle(EXTENSION);
  }

  it.each<[string, Record<string, string>, string]>([
    ["a wrong secret key", { AWS_SECRET_ACCESS_KEY: "x".repeat(40) }, "SignatureDoesNotMatch"],
    ["an unknown access key", { AWS_ACCESS_KEY_ID: "AKIAUNKNOWNUNKNOWN00" }, "InvalidClientTokenId"],
  ])(
    "%s is a permanent 403 naming STS's code, retried slowly, and init goes on",
    async (_name, keys, code) => {
      // Prepare
      const run = await startSidecar(sts, undefined, {
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader"),
        ...keys,
      });
      try {
        await pastInit(run);

        // Act
        const answer = await run.get("default");

        // Assess: not a 503 (nothing to wait for), but STS's own code, which the SDKs report
        expect(answer.status, answer.text).toBe(403);
        expect(answer.retryAfter).toBeNull();
        expect(answer.body).toEqual({ Code: code, Message: expect.stringContaining("role default") });
        const [failed] = failures(run.sidecar, "default");
        expect(failed).toMatchObject({ level: "error", code, retryable: false, attempt: 1 });
        // Permanent errors back off 5-30 s at first, up to 5 min, so a fleet with a typo does not hammer STS.
        const gap = Date.parse(String(failed?.nextAttemptAt)) - Date.parse(String(failed?.timestamp));
        expect(gap).toBeLessThanOrEqual(Number(failed?.backoffMs)); // logged a little after it was drawn
        expect(failed?.backoffMs).toBeGreaterThanOrEqual(PERMANENT_BACKOFF.floorMs);
        expect(failures(run.sidecar, "default")).toHaveLength(1);
        expect(run.runtime.errors).toEqual([]);
        expect(run.sidecar.output()).not.toContain(keys.AWS_SECRET_ACCESS_KEY ?? sts.base.secretAccessKey);
      } finally {
        await run.stop();
      }
    },
  );

  it("no base credentials at all fails init with Extension.NoBaseCredentials", async () => {
    // Prepare
    const callsBefore = sts.calls("AssumeRole");
    const runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME });
    const sidecar = await startExtension({
      env: {
        ...baseEnv(sts, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
        AWS_LAMBDA_RUNTIME_API: runtime.address,
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader"),
      },
    });
    try {
      // Act
      const error = await runtime.waitForError();
      const exit = await sidecar.exited();

      // Assess
      expect(error).toMatchObject({ route: "init/error", errorType: "Extension.NoBaseCredentials" });
      expect((error.body as { errorMessage: string }).errorMessage).toContain("no base credentials");
      expect(exit.code).toBe(1);
      expect(sts.calls("AssumeRole")).toBe(callsBefore); // nothing unsigned ever left the sandbox
    } finally {
      sidecar.kill();
      await runtime.close();
    }
  });

  it("a refused role answers 403 AccessDenied, a role chained from it SourceRole.AccessDenied, others 200", async () => {
    // Prepare
    const run = await startSidecar(sts, rolesConfig(sts, { denied: undefined, fromDenied: "denied" }));
    try {
      await pastInit(run);

      // Act
      const [reader, denied, fromDenied] = [
        await run.get("reader"),
        await run.get("denied"),
        await run.get("fromDenied"),
      ];

      // Assess
      expect(reader.status).toBe(200);
      expect(reader.body.RoleArn).toBe(roleArn(sts, "reader"));
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        Code: "AccessDenied",
        Message: expect.stringContaining("is not authorized to perform: sts:AssumeRole"),
      });
      expect(fromDenied.status).toBe(403);
      expect(fromDenied.body).toEqual({
        Code: "SourceRole.AccessDenied",
        Message: expect.stringContaining("source role denied has no credentials"),
      });
      for (const answer of [denied, fromDenied]) expect(answer.text).not.toContain(reader.body.AccessKeyId);
      expect(failures(run.sidecar, "reader")).toEqual([]);
      expect(failures(run.sidecar, "fromDenied")[0]).toMatchObject({ code: "SourceRole.AccessDenied" });
      expect(run.runtime.errors).toEqual([]);
    } finally {
      await run.stop();
    }
  });
  it("sends each role's ExternalId: the right one is served, a wrong or missing one is AccessDenied", async () => {
    // Prepare: a trust policy demanding an ExternalId (the confused-deputy guard)
    const role = (name: string, externalId?: string) =>
      `  ${name}:\n    RoleArn: ${roleArn(sts, name)}\n${externalId ? `    ExternalId: ${externalId}\n` : ""}`;
    const config = `roles:\n${role("partner", EXTERNAL_ID)}${role("partnerWrongId", "partner-0000")}${role("partnerNoId")}`;
    const run = await startSidecar(sts, config);
    try {
      await pastInit(run);

      // Act
      const [right, wrongId, noId] = [
        await run.get("partner"),
        await run.get("partnerWrongId"),
        await run.get("partnerNoId"),
      ];

      // Assess
      expect(right.status, right.text).toBe(200);
      expect(right.body.RoleArn).toBe(roleArn(sts, "partner"));
      for (const refused of [wrongId, noId]) {
        expect(refused.status).toBe(403);
        expect(refused.body.Code).toBe("AccessDenied");
      }
      expect(run.sidecar.output()).not.toContain("partner-0000"); // ExternalIds are not logged
    } finally {
      await run.stop();
    }
  });
});
