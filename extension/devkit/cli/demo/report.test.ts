import { describe, expect, it } from "vitest";
import type { DemoResult } from "./functions.js";
import { checkResult, formatInvocation } from "./report.js";

const EXECUTION = "arn:aws:sts::123456789012:assumed-role/demo-execution-role/demo-function";
const RESULT: DemoResult = {
  runtime: "nodejs v20.0.0",
  keysInEnvironment: false,
  credentialsUri: "http://127.0.0.1:9770/roles/app",
  executionRole: EXECUTION,
  defaultChain: "arn:aws:sts::123456789012:assumed-role/demo-app/demo-function.abc",
  calls: [
    {
      call: "sts:GetCallerIdentity as role audit",
      outcome: "allowed",
      detail: "arn:...:assumed-role/demo-audit/x",
    },
    { call: "sts:AssumeRole admin", outcome: "denied", detail: "AccessDenied: User: x is not authorized" },
  ],
};
const REPORT = { number: 1, total: 3, requestId: "0123456789abcdef", durationMs: 12, result: RESULT };

describe("formatInvocation", () => {
  it("shows both roles, each call's outcome and the sidecar's lines", () => {
    const log = JSON.stringify({
      timestamp: "2026-01-01T00:00:00.000Z",
      level: "info",
      message: "assumed role",
    });
    const text = formatInvocation({ ...REPORT, sidecarLines: [log], stsSessionsIssued: 2 });
    expect(text).toContain("Invocation 1 of 3  ·  request 01234567  ·  12 ms");
    expect(text).toMatch(
      /execution role \(CREDENTIALS_SIDECAR_EXECUTION_ROLE_\*\)\s+arn:aws:sts::123456789012:assumed-role\/demo-execution-role/,
    );
    expect(text).toMatch(
      /SDK default chain, no credential code\s+arn:aws:sts::123456789012:assumed-role\/demo-app\//,
    );
    expect(text).toContain("no: the wrapper moved it aside");
    expect(text).toContain("  allowed  sts:GetCallerIdentity as role audit\n");
    expect(text).toContain(
      "  DENIED   sts:AssumeRole admin\n           → AccessDenied: User: x is not authorized\n",
    );
    expect(text).toContain("    00:00:00.000 info  assumed role\n");
    expect(text).toMatch(/STS sessions issued so far\s+2 /);
  });

  it("says so when no sidecar line was printed", () => {
    expect(formatInvocation({ ...REPORT, sidecarLines: [] })).toContain("none (roles still fresh");
  });

  it("shortens an invocation that saw the same as the first, and only then", () => {
    const same = formatInvocation({ ...REPORT, number: 2, sidecarLines: [] }, RESULT);
    const changed = formatInvocation(
      { ...REPORT, number: 2, sidecarLines: [], result: { ...RESULT, defaultChain: "other" } },
      RESULT,
    );
    expect(same).toContain("saw exactly what invocation 1 saw");
    expect(same).not.toContain("DENIED");
    expect(changed).not.toContain("saw exactly what invocation 1 saw");
    expect(changed).toContain("DENIED");
  });
});

describe("checkResult", () => {
  const expected = { executionRole: EXECUTION, defaultRoleName: "demo-app" };

  it("finds nothing wrong with the expected result", () => {
    expect(checkResult(RESULT, expected)).toEqual([]);
  });

  it("names each thing that went wrong", () => {
    const problems = checkResult(
      {
        ...RESULT,
        keysInEnvironment: true,
        defaultChain: EXECUTION,
        calls: [
          { call: "a", outcome: "denied", detail: "AccessDenied: no" },
          { call: "b", outcome: "allowed", detail: "ok" },
        ],
      },
      expected,
    );
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/not role demo-app/);
    expect(problems.join("\n")).toMatch(/keys were still in the environment/);
    expect(problems.join("\n")).toMatch(/a was denied/);
    expect(problems.join("\n")).toMatch(/b was not denied with AccessDenied/);
  });
});
