// The GitHub Actions workflows, linted by action-validator (the workflow schema: events, jobs, steps,
// keys and types), then checked for what this project needs of them; and the changelog they publish.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { changelogSection, readVersion } from "../artifacts.mjs";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const workflowsDir = join(repo, ".github", "workflows");
const validator = join(repo, "node_modules", ".bin", "action-validator");
const workflows = readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name));

function lint(path: string) {
  return spawnSync(validator, [path], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, { branches?: string[]; tags?: string[] } | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}
const load = (name: string) => parse(readFileSync(join(workflowsDir, name), "utf8")) as Workflow;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = (workflow: Workflow) => steps(workflow).flatMap((step) => (step.run ? [step.run] : []));

describe("GitHub Actions workflows", () => {
  it("there are the CI and release workflows", () => {
    expect(workflows.sort()).toEqual(["ci.yml", "release.yml"]);
  });

  it.each(workflows)("%s passes action-validator", (name) => {
    const result = lint(join(workflowsDir, name));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("action-validator fails on a broken workflow, naming each mistake", () => {
    const result = lint(join(repo, "layer", "release", "test", "fixtures", "broken-workflow.yml"));
    expect(result.status).toBe(1);
    const { errors } = JSON.parse(result.stderr) as { errors: { path?: string; states?: unknown }[] };
    const text = JSON.stringify(errors);
    expect(errors.map((e) => e.path)).toContain("/on"); // pull_requests is no event
    expect(text).toContain("/jobs/test/runs-on"); // the job runs nowhere
  });

  it("CI runs .ci/run on pull requests and on pushes to main, with read-only permissions", () => {
    const ci = load("ci.yml");
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    expect(ci.on.push?.branches).toEqual(["main"]);
    expect(ci.permissions).toEqual({ contents: "read" });
    expect(runs(ci)).toContain("bash .ci/run");
    expect(steps(ci).some((s) => s.uses?.startsWith("actions/setup-python@"))).toBe(true);
  });

  it("the release runs on v* tags only, builds with make release and publishes through release/", () => {
    const release = load("release.yml");
    expect(release.on).toEqual({ push: { tags: ["v*"] } });
    expect(release.permissions).toEqual({ contents: "write", "id-token": "write" });
    const script = runs(release).join("\n");
    expect(script).toContain("make release");
    expect(script).toContain("sha256sum --check --strict SHA256SUMS");
    expect(script).toContain("node layer/release/notes.mjs");
    expect(script).toContain("node layer/release/publish.mjs");
    // No long-lived AWS keys: the role comes from OIDC.
    expect(JSON.stringify(release)).not.toMatch(/AWS_SECRET_ACCESS_KEY|secrets\.AWS/);
  });

  it("the release publishes the npm packages with provenance, after a dry run that always runs", () => {
    const release = load("release.yml");
    const script = runs(release).join("\n");
    expect(script).toContain(
      'make release RELEASE_FLAGS="--repository https://github.com/$GITHUB_REPOSITORY"',
    );
    expect(script).toContain("node layer/release/npmPublish.mjs --dry-run");
    expect(script).toContain("node layer/release/npmPublish.mjs --provenance");
    // Provenance is signed with the job's OIDC token; setup-node writes the .npmrc NODE_AUTH_TOKEN fills.
    expect(release.permissions?.["id-token"]).toBe("write");
    const setupNode = steps(release).find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with?.["registry-url"]).toBe("https://registry.npmjs.org");
    expect(script).toMatch(/gh release create[\s\S]*dist\/release\/\*\.tgz/);
  });

  it.each(workflows)("%s: every repository file a step runs exists", (name) => {
    const files = runs(load(name)).flatMap((run) => [
      ...run.matchAll(/(?:node|bash) ((?:\.ci|layer\/release)\/[\w./-]+)/g),
    ]);
    expect(files.length).toBeGreaterThan(0);
    for (const [, file] of files) expect(existsSync(join(repo, file as string)), file).toBe(true);
  });

  it.each(workflows)("%s: every action is pinned to a version", (name) => {
    for (const step of steps(load(name))) if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });
});

describe("CHANGELOG.md", () => {
  const changelog = readFileSync(join(repo, "CHANGELOG.md"), "utf8");

  it("has an Unreleased section and one for package.json's version, which layer/release/notes.mjs prints", () => {
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    const version = readVersion(repo);
    const section = changelogSection(changelog, version);
    expect(section).toBeDefined();
    const notes = spawnSync(process.execPath, [join(repo, "layer", "release", "notes.mjs")], {
      encoding: "utf8",
    });
    expect(notes.status).toBe(0);
    expect(notes.stdout).toBe(`${section}\n`);
  });

  it("layer/release/notes.mjs refuses a version the changelog does not document", () => {
    const notes = spawnSync(process.execPath, [join(repo, "layer", "release", "notes.mjs"), "99.0.0"], {
      encoding: "utf8",
    });
    expect(notes.status).toBe(1);
    expect(notes.stderr).toContain('CHANGELOG.md has no "## [99.0.0]" section');
  });

  it("changelogSection reads up to the next version, and treats an empty section as missing", () => {
    const text =
      "# Changelog\n\n## [2.0.0] - 2027-01-01\n\n- two\n\n## [1.0.0] - 2026-01-01\n\n## [0.9.0]\n- old\n";
    expect(changelogSection(text, "2.0.0")).toBe("- two");
    expect(changelogSection(text, "1.0.0")).toBeUndefined();
    expect(changelogSection(text, "0.9.0")).toBe("- old");
    expect(changelogSection(text, "3.0.0")).toBeUndefined();
  });
});
