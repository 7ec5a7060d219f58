/**
 * What the config validation tests share: role ARNs, the problems of an invalid input, the config of a
 * valid one, and the check every "invalid config" row makes.
 */
import { expect } from "vitest";
import type { ConfigProblem, RoleConfig, SidecarConfig } from "../../src/config/types.js";
import { validateConfig } from "../../src/config/validate.js";

export const ARN = "arn:aws:iam::123456789012:role/reader";
export const OTHER_ARN = "arn:aws:iam::123456789012:role/writer";
export const POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** One row: a config, the path of the problem it must report, and a fragment of its message. */
export type InvalidCase = [title: string, config: unknown, path: string, fragment: string];

export function problemsOf(input: unknown): readonly ConfigProblem[] {
  const result = validateConfig(input);
  if (result.ok) throw new Error(`expected problems, got a valid config for ${JSON.stringify(input)}`);
  return result.problems;
}

export function configOf(input: unknown): SidecarConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(`expected a valid config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

export function roleOf(config: SidecarConfig, name: string): RoleConfig {
  const role = config.roles.get(name);
  if (role === undefined) throw new Error(`no role ${name}`);
  return role;
}

/** The check of an InvalidCase: a problem at `path` whose message holds `fragment`. */
export function expectProblemAt(config: unknown, path: string, fragment: string): void {
  // Act
  const problems = problemsOf(config);

  // Assess
  const atPath = problems.filter((p) => p.path === path);
  expect(atPath.map((p) => p.message).join(" | ")).toContain(fragment);
}
