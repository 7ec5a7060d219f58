/**
 * Builds an image's file tree by applying a Dockerfile's instructions the way `docker build` does, for
 * machines where no image builder runs: FROM (scratch, an earlier stage, or an image given as a
 * folder), ARG (with defaults and --build-arg values), COPY [--from=<stage>] (modes kept), ENV, CMD.
 * Anything else (RUN, ADD, WORKDIR...) is refused, so a Dockerfile that grows beyond this fails the
 * test instead of being half-applied.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";

export interface ImageTree {
  /** the image's root folder */
  root: string;
  env: Record<string, string>;
  cmd: string[];
}

export interface DockerfileBuild {
  dockerfile: string;
  context: string;
  /** --build-arg values */
  buildArgs?: Record<string, string>;
  /** images FROM may name, as folders holding their file trees (a base image's stand-in) */
  images?: Record<string, string>;
  /** where the stage folders go */
  workDir: string;
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined, comments and blank lines dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  let start = 0;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) return;
    if (pending === "") start = index + 1;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = "";
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match)
      instructions.push({ keyword: (match[1] ?? "").toUpperCase(), args: match[2] ?? "", line: start });
  });
  return instructions;
}

function substitute(text: string, args: Record<string, string>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_all, braced: string, bare: string) => args[braced ?? bare] ?? "",
  );
}

/** COPY's sources and destination: JSON array form or space-separated words, after its --flags. */
function copyOperands(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (let flag = /^--(\w+)=(\S+)\s+/.exec(rest); flag; flag = /^--(\w+)=(\S+)\s+/.exec(rest)) {
    flags[flag[1] as string] = flag[2] as string;
    rest = rest.slice(flag[0].length);
  }
  const words = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  const dest = words.pop();
  if (dest === undefined || words.length === 0)
    throw new Error(`COPY needs a source and a destination: ${args}`);
  return { flags, sources: words, dest };
}

/** Docker's COPY rules: a folder's contents go into dest; a file goes to dest, or into it if it ends in `/`. */
function applyCopy(from: string, sources: string[], root: string, dest: string): void {
  const target = join(root, dest);
  for (const source of sources) {
    const path = resolve(from, source.replace(/^\/+/, ""));
    if (!path.startsWith(resolve(from))) throw new Error(`COPY source ${source} leaves its context`);
    if (!existsSync(path)) throw new Error(`COPY source ${source} does not exist in ${from}`);
    if (statSync(path).isDirectory()) {
      mkdirSync(target, { recursive: true });
      cpSync(path, target, { recursive: true, preserveTimestamps: false });
    } else {
      const file = dest.endsWith("/") || sources.length > 1 ? join(target, basename(path)) : target;
      mkdirSync(resolve(file, ".."), { recursive: true });
      cpSync(path, file);
    }
  }
}

/** Applies the Dockerfile; returns the final stage's tree, ENV and CMD. */
export function buildDockerfile(build: DockerfileBuild): ImageTree {
  const instructions = parseDockerfile(readFileSync(build.dockerfile, "utf8"));
  // ARGs before the first FROM are for FROM lines only; a stage sees those it declares again.
  const globalArgs: Record<string, string> = {};
  let args = globalArgs;
  const stages: Record<string, ImageTree> = {};
  let stage: ImageTree | undefined;
  let stageCount = 0;
  for (const { keyword, args: raw, line } of instructions) {
    const where = `${build.dockerfile}:${line}`;
    if (keyword === "ARG") {
      const [name = "", value] = raw.trim().split("=", 2);
      args[name] =
        build.buildArgs?.[name] ?? (value === undefined ? (globalArgs[name] ?? "") : substitute(value, args));
      continue;
    }
    if (keyword === "FROM") {
      const [image = "", as, name] = substitute(raw, globalArgs).trim().split(/\s+/);
      args = {};
      const root = mkdtempSync(join(build.workDir, `stage-${stageCount++}-`));
      stage = { root, env: {}, cmd: [] };
      if (stages[image] !== undefined) {
        cpSync(stages[image].root, root, { recursive: true });
        stage.env = { ...stages[image].env };
      } else if (build.images?.[image] !== undefined) {
        cpSync(build.images[image], root, { recursive: true });
      } else if (image !== "scratch") {
        throw new Error(`${where}: FROM ${image}: no such stage, and no folder given for that image`);
      }
      if (as?.toUpperCase() === "AS" && name) stages[name] = stage;
      continue;
    }
    if (stage === undefined) throw new Error(`${where}: ${keyword} before FROM`);
    const text = substitute(raw, { ...args, ...stage.env });
    if (keyword === "COPY") {
      const { flags, sources, dest } = copyOperands(text);
      const from = flags.from === undefined ? build.context : stages[flags.from]?.root;
      if (from === undefined) throw new Error(`${where}: COPY --from=${flags.from}: no such stage`);
      applyCopy(from, sources, stage.root, dest);
    } else if (keyword === "ENV") {
      const match = /^(\w+)[= ](.*)$/.exec(text.trim());
      if (!match) throw new Error(`${where}: ENV ${text}: expected NAME=value`);
      stage.env[match[1] as string] = (match[2] as string).replace(/^"(.*)"$/, "$1");
    } else if (keyword === "CMD") {
      stage.cmd = JSON.parse(text) as string[];
    } else {
      throw new Error(`${where}: ${keyword} is not supported by this test's Dockerfile interpreter`);
    }
  }
  if (stage === undefined) throw new Error(`${build.dockerfile}: no FROM`);
  return stage;
}
