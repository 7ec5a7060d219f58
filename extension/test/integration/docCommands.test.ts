/**
 * Every shell block of the docs (README.md and docs/*.md) is either run or checked here, or says in a
 * visible comment what it needs that a test machine does not have (an AWS account, Docker and a
 * registry). Each block is preceded by `<!-- command: KIND -->`; an unknown kind, or a block without
 * one, fails.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAYER_PACKAGES } from "../../../layer/npm/layerPackages.mjs";
import { COMMANDS } from "../../devkit/cli/dispatch.js";
import { formatShellEnv, shellEnv } from "../../devkit/cli/shellEnv.js";
import { docPages } from "../support/docPages.js";
import { REPO_ROOT } from "../support/extensionProcess.js";

const CLI = join(REPO_ROOT, "dist", "cli.mjs");
const run = promisify(execFile);

interface Block {
  readonly kind: string | undefined;
  readonly text: string;
  /** `page:line` of the opening fence. */
  readonly where: string;
}

/** The page's shell blocks, also those indented under a list item (their indent removed). */
function shellBlocks(page: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(?:sh|bash|shell|console)$/.exec(lines[i] ?? "");
    if (!open) continue;
    const indent = open[1] as string;
    const marker = /^<!-- command: ([a-z-]+) -->$/.exec((lines[i - 1] ?? "").trim());
    let end = i + 1;
    while (end < lines.length && lines[end] !== `${indent}\`\`\``) end++;
    const text = lines
      .slice(i + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join("\n");
    blocks.push({ kind: marker?.[1], text, where: `${page}:${i + 1}` });
    i = end;
  }
  return blocks;
}

/** The docs' commands for the CLI: `credentials-sidecar SUB --flag…` or `node dist/cli.mjs SUB …`. */
function cliInvocations(text: string): { command: string; flags: string[] }[] {
  return text
    .split("\n")
    .map((line) => /(?:credentials-sidecar|node dist\/cli\.mjs) ([a-z]+)(.*)$/.exec(line.replace(/^\$ /, "")))
    .filter((match) => match !== null)
    .map((match) => ({
      command: match[1] ?? "",
      // Options only: what follows ` -- ` is the user's own command.
      flags: [...(match[2] ?? "").replace(/ -- .*$/, "").matchAll(/(--[a-z-]+)/g)].map(
        (flag) => flag[1] ?? "",
      ),
    }));
}

const blocks = docPages(REPO_ROOT).flatMap((page) => shellBlocks(page.path, page.text));
/** The blocks of one kind; at least one, so that a check cannot pass on nothing. */
function blocksOf(kind: string): Block[] {
  const found = blocks.filter((b) => b.kind === kind);
  if (found.length === 0) throw new Error(`no shell block of kind ${kind} in the docs`);
  return found;
}

const KINDS = [
  ...["make", "aws", "docker", "text", "bootstrap", "schema", "cli", "local-lines", "validate"],
  "npm-install", // run by layer/test/newUser.test.ts, with the packed tarballs for the package names
];

describe("the docs' shell blocks (README.md and docs/*.md)", () => {
  it("are marked, each with a kind this test knows", () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((b) => b.kind === undefined || !KINDS.includes(b.kind)).map((b) => b.where)).toEqual(
      [],
    );
  });

  it("say in a visible comment when they need an AWS account or Docker", () => {
    for (const block of blocks.filter((b) => b.kind === "aws"))
      expect([block.where, block.text]).toEqual([
        block.where,
        expect.stringContaining("# needs an AWS account"),
      ]);
    for (const block of blocks.filter((b) => b.kind === "docker"))
      expect([block.where, block.text]).toEqual([block.where, expect.stringContaining("# needs Docker")]);
  });

  it("name make targets that exist (CI runs them: make test builds layer and cdk, release tests run release)", () => {
    const makefile = readFileSync(join(REPO_ROOT, "Makefile"), "utf8");
    const targets = new Set([...makefile.matchAll(/^([a-z-]+):/gm)].map((m) => m[1]));
    const named = blocks
      .filter((b) => b.kind === "make" || b.kind === "aws" || b.kind === "docker")
      .flatMap((b) => [...b.text.matchAll(/^make ([a-z -]+?)(?:\s*(?:#|&&|$))/gm)])
      .flatMap((m) => (m[1] ?? "").trim().split(/\s+/));
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((target) => !targets.has(target))).toEqual([]);
  });

  it("install only packages the release packs (npm-install: layer/test/newUser.test.ts runs them)", () => {
    const packed = ["credentials-sidecar", ...Object.values(LAYER_PACKAGES)];
    const words = blocksOf("npm-install")
      .flatMap((b) => [...b.text.matchAll(/^npm install ([^#\n]+)/gm)])
      .flatMap((m) => (m[1] ?? "").trim().split(/\s+/));
    expect(words).toContain("credentials-sidecar");
    expect(words.filter((word) => !packed.includes(word))).toEqual([]);
  });

  it("give the CLI only commands and options it has", () => {
    const invocations = blocks
      .filter((b) => b.kind === "cli" || b.kind === "validate" || b.kind === "schema")
      .flatMap((b) => cliInvocations(b.text));
    expect(invocations.length).toBeGreaterThan(3);
    for (const { command, flags } of invocations) {
      const help = COMMANDS[command]?.help;
      expect([command, help === undefined]).toEqual([command, false]);
      for (const flag of flags) expect([command, flag, help?.includes(flag)]).toEqual([command, flag, true]);
    }
  });

  it("quote examples/go/bootstrap exactly (comments aside)", () => {
    const quoted = blocksOf("bootstrap");
    const bootstrap = readFileSync(join(REPO_ROOT, "examples", "go", "bootstrap"), "utf8")
      .split("\n")
      .filter((line) => !line.startsWith("# "))
      .join("\n");

    for (const block of quoted) expect([block.where, `${block.text}\n`]).toEqual([block.where, bootstrap]);
  });

  it("show the shell lines `local` prints, as it prints them", () => {
    const quoted = blocksOf("local-lines");
    const printed = formatShellEnv(
      shellEnv({
        rolesUrl: "http://127.0.0.1:9770/roles/",
        token: "sidecar-token-placeholder",
        defaultRole: "app",
        region: "us-east-1",
      }),
    ).replaceAll("sidecar-token-placeholder", "…");

    for (const block of quoted) expect([block.where, `${block.text}\n`]).toEqual([block.where, printed]);
  });

  describe("run with the built CLI", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "doc-commands-"));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("`credentials-sidecar schema > config.schema.json` writes the repository's schema", async () => {
      for (const block of blocksOf("schema"))
        expect(block.text).toMatch(/^node dist\/cli\.mjs schema > config\.schema\.json/);

      const { stdout } = await run(process.execPath, [CLI, "schema"]);

      expect(JSON.parse(stdout)).toEqual(
        JSON.parse(readFileSync(join(REPO_ROOT, "config.schema.json"), "utf8")),
      );
    });

    it("`credentials-sidecar validate` prints what the docs' transcript shows", async () => {
      // Prepare: the two files the transcript validates.
      writeFileSync(
        join(dir, "credentials-sidecar.yaml"),
        "default: app\nroles:\n  app:\n    RoleArn: arn:aws:iam::111122223333:role/app\n  audit:\n    RoleArn: arn:aws:iam::111122223333:role/audit\n    source: app\n",
      );
      writeFileSync(
        join(dir, "broken.yaml"),
        "default: audit\nroles:\n  app:\n    RoleArn: arn:aws:iam::111122223333:role/app\n    DurationSeconds: 600\n",
      );
      const quoted = blocksOf("validate");
      const transcript: string[] = [];

      // Act
      for (const file of ["credentials-sidecar.yaml", "broken.yaml"]) {
        const result = await run(process.execPath, [CLI, "validate", file], { cwd: dir }).catch(
          (error: { stdout: string; stderr: string }) => error,
        );
        transcript.push(`$ credentials-sidecar validate ${file}\n${result.stdout}${result.stderr}`);
      }

      // Assess
      for (const block of quoted)
        expect([block.where, `${block.text}\n`]).toEqual([block.where, transcript.join("\n")]);
    });
  });
});
