/** How the demo prints: a header, one block per invocation, the sidecar's log lines indented. */

import { formatLogLine } from "../logFormat.js";
import type { DemoResult } from "./functions.js";

const LABEL_WIDTH = 50;

export function heading(title: string, detail = ""): string {
  const text = `── ${title}${detail === "" ? "" : `  ·  ${detail}`} `;
  return `\n${text}${"─".repeat(Math.max(4, 100 - text.length))}\n`;
}

export function row(label: string, value: string): string {
  return `  ${label.padEnd(LABEL_WIDTH - 2)}  ${value}\n`;
}

export function indentLines(lines: readonly string[], prefix = "    "): string {
  return lines.map((line) => `${prefix}${line}\n`).join("");
}

export interface InvocationReport {
  readonly number: number;
  readonly total: number;
  readonly requestId: string;
  readonly durationMs: number;
  readonly result: DemoResult;
  /** The extension's raw output lines since the previous block. */
  readonly sidecarLines: readonly string[];
  /** Sessions the STS stand-in has issued so far, when it is the STS. */
  readonly stsSessionsIssued?: number;
}

/**
 * One invocation. `previous` is the first invocation's result: when this one saw the same, only the
 * difference that matters is printed (time, log lines), so the output stays short.
 */
export function formatInvocation(report: InvocationReport, previous?: DemoResult): string {
  const { result } = report;
  let text = heading(
    `Invocation ${report.number} of ${report.total}`,
    `request ${report.requestId.slice(0, 8)}  ·  ${report.durationMs} ms`,
  );
  if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(result)) {
    text += "  the function saw exactly what invocation 1 saw (same roles, same allowed and denied calls)\n";
    return text + logSection(report);
  }
  text += row("function runtime", result.runtime);
  text += row("execution role (CREDENTIALS_SIDECAR_EXECUTION_ROLE_*)", result.executionRole);
  text += row(
    "AWS_ACCESS_KEY_ID in the function's env",
    result.keysInEnvironment
      ? "yes: the SDKs still use the execution role"
      : "no: the wrapper moved it aside",
  );
  text += row("SDK default chain, no credential code", result.defaultChain);
  text += row("  served from AWS_CONTAINER_CREDENTIALS_FULL_URI", result.credentialsUri ?? "(not set)");
  for (const call of result.calls) {
    text += `  ${call.outcome === "allowed" ? "allowed" : "DENIED "}  ${call.call}\n`;
    text += `           → ${call.detail}\n`;
  }
  return text + logSection(report);
}

function logSection(report: InvocationReport): string {
  let text =
    report.sidecarLines.length > 0
      ? `  sidecar log lines during this invocation:\n${indentLines(report.sidecarLines.map(formatLogLine))}`
      : "  sidecar log lines during this invocation: none (roles still fresh: no STS call, nothing to log)\n";
  if (report.stsSessionsIssued !== undefined) {
    text += row(
      "STS sessions issued so far",
      `${report.stsSessionsIssued} (one per role: the sidecar caches them)`,
    );
  }
  return text;
}

/** What must hold for the demo to pass; each problem is one sentence. */
export function checkResult(
  result: DemoResult,
  expected: { readonly executionRole: string; readonly defaultRoleName: string },
): string[] {
  const problems: string[] = [];
  if (result.executionRole !== expected.executionRole) {
    problems.push(`the execution role was ${result.executionRole}, expected ${expected.executionRole}`);
  }
  if (!result.defaultChain.includes(`:assumed-role/${expected.defaultRoleName}/`)) {
    problems.push(`the default chain gave ${result.defaultChain}, not role ${expected.defaultRoleName}`);
  }
  if (result.keysInEnvironment) problems.push("the execution role's keys were still in the environment");
  const [allowed, denied] = result.calls;
  if (allowed?.outcome !== "allowed")
    problems.push(`${allowed?.call ?? "the allowed call"} was denied: ${allowed?.detail}`);
  if (denied?.outcome !== "denied" || !denied.detail.startsWith("AccessDenied")) {
    problems.push(`${denied?.call ?? "the denied call"} was not denied with AccessDenied: ${denied?.detail}`);
  }
  return problems;
}
