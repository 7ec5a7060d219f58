// The exec wrapper in environments its function's owner may give it (issue 19 §7), under dash,
// bash started as sh (Amazon Linux 2023's /bin/sh) and busybox sh: generated, seeded environments
// of shell options, imported functions, startup files, IFS, CDPATH, PS4, PATH (short, empty, unset,
// full of programs that print the environment), locale and `ls` formatting variables. A control per
// variable and value proves it acts on that shell (or is ignored by it, where the shell says so).
// Whatever the environment: no token or key in the output, and either the default role reaches the
// runtime or the wrapper stops naming the true cause.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { wrongSwitchSpellings } from "../../extension/test/support/switchSpellings.js";
import {
  type Env,
  type GeneratedEnvironment,
  generateEnvironments,
  makeHostileBin,
  makeLocaleProbe,
  makeSizedFile,
  type PoolVariable,
  runShell,
  SHELLS,
  type ShellUnderTest,
  variablePool,
} from "./support/shellEnvironments.js";
import { EXECUTION_KEYS, ROLES_URL, TOKEN, wrapper } from "./support/wrapperRun.js";

const scratch = mkdtempSync(join(tmpdir(), "wrapper-environments-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const startupFile = join(scratch, "startup.sh");
writeFileSync(startupFile, "echo STARTUP-FILE-RAN >&2\nset -x\n");
const POOL = variablePool({
  hostileBin: makeHostileBin(join(scratch, "hostile-bin")),
  startupFile,
  localeProbe: makeLocaleProbe(join(scratch, "locale-probe")),
  sizedFile: makeSizedFile(join(scratch, "sized-file")),
});
const BASE_PATH = "/usr/local/bin:/usr/bin:/bin";
const STREAM = "2026/12/07/[$LATEST]0123456789abcdef";
/** Distinctive parts of every secret the wrapper handles. */
const SECRETS = ["secret-3f9c", ...Object.values(EXECUTION_KEYS)];
const KEEP = "CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE";
const KEEP_SPELLINGS = [
  undefined,
  undefined,
  "",
  "true",
  "false",
  "false",
  ...wrongSwitchSpellings(0x3e_e9, 5),
];

function withVariable(env: Env, variable: PoolVariable, value: string | undefined): Env {
  const result = { ...env, [variable.name]: value };
  if (value === undefined) delete result[variable.name];
  return result;
}

let runs = 0;
/** A runtime folder as the extension leaves it (plus last start's log-stream-name), and the wrapper run in it. */
function runWrapper(shell: ShellUnderTest, environment: GeneratedEnvironment) {
  const work = join(scratch, `run-${++runs}`);
  const dir = join(work, "credentials-sidecar");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "token"), TOKEN, { mode: 0o600 });
  writeFileSync(join(dir, "roles-url"), ROLES_URL, { mode: 0o600 });
  writeFileSync(join(dir, "default-role"), "reader", { mode: 0o600 });
  writeFileSync(join(dir, "log-stream-name"), "previous start's stream\n", { mode: 0o600 });
  let env: Env = {
    PATH: BASE_PATH,
    CREDENTIALS_SIDECAR_RUNTIME_DIR: dir,
    AWS_LAMBDA_LOG_STREAM_NAME: STREAM,
    ...EXECUTION_KEYS,
    ...(environment.keep === undefined ? {} : { [KEEP]: environment.keep }),
  };
  for (const { variable, value } of environment.variables) env = withVariable(env, variable, value);
  const out = join(work, "runtime-env.json");
  const runtime = [
    process.execPath,
    "-e",
    "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env))",
    out,
  ];
  const result = runShell(shell, env, [wrapper, ...runtime], { cwd: work });
  const runtimeEnv = existsSync(out)
    ? (JSON.parse(readFileSync(out, "utf8")) as Record<string, string>)
    : undefined;
  return { ...result, runtimeEnv, streamFile: readFileSync(join(dir, "log-stream-name"), "utf8") };
}

const describeName = (environment: GeneratedEnvironment) =>
  [
    ...environment.variables.map(
      ({ variable, value }) => `${variable.name}=${JSON.stringify(value ?? null)}`,
    ),
    `${KEEP}=${JSON.stringify(environment.keep ?? null)}`,
  ].join(" ");

describe.each(SHELLS.map((shell) => [shell.name, shell] as const))("the wrapper under %s", (_name, shell) => {
  const environments = generateEnvironments(
    POOL,
    0x5e11 + 7919 * SHELLS.indexOf(shell),
    POOL.length * 2,
    KEEP_SPELLINGS,
  );
  const pairs = new Map<string, { variable: PoolVariable; value: string | undefined }>();
  for (const environment of environments) {
    for (const pair of environment.variables)
      pairs.set(`${pair.variable.name}=${JSON.stringify(pair.value ?? null)}`, pair);
  }

  it.each([...pairs.entries()])(
    "control: %s acts on this shell as the pool says",
    (_key, { variable, value }) => {
      const base: Env = { PATH: BASE_PATH };
      const without = runShell(shell, base, ["-c", variable.control]);
      const withIt = runShell(shell, withVariable(base, variable, value), ["-c", variable.control]);
      const outputs = [`${withIt.stdout}${withIt.stderr}`, `${without.stdout}${without.stderr}`];
      if (variable.actsIn.includes(shell.kind)) expect(outputs[0]).not.toBe(outputs[1]);
      else expect(outputs[0]).toBe(outputs[1]);
    },
  );

  it.each(environments.map((environment) => [describeName(environment), environment] as const))(
    "%s: no secret printed; the default role, or a stop naming the cause",
    (_description, environment) => {
      const run = runWrapper(shell, environment);

      const output = `${run.stdout}${run.stderr}`;
      for (const secret of SECRETS) expect(output).not.toContain(secret);
      const keep = environment.keep ?? "";
      if (keep !== "" && keep !== "true" && keep !== "false") {
        expect(run.status).toBe(1);
        expect(run.runtimeEnv).toBeUndefined();
        expect(run.stderr).toContain(`${KEEP}=${keep} is neither true nor false`);
        return;
      }
      expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
      const env = run.runtimeEnv ?? {};
      expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
      if (keep === "true") {
        expect(env.AWS_ACCESS_KEY_ID).toBe(EXECUTION_KEYS.AWS_ACCESS_KEY_ID);
        expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBeUndefined();
      } else {
        expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
        expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
      }
      expect(run.streamFile).toBe(`${STREAM}\n`);
      // What reached the wrapper reaches the runtime unchanged.
      for (const { variable, value } of environment.variables) {
        if (variable.passesThrough?.includes(shell.kind))
          expect([variable.name, env[variable.name]]).toEqual([variable.name, value]);
      }
    },
  );

  it.each(wrongSwitchSpellings(0x4ee9, 12))(
    "refuses CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=%j naming it, and starts nothing",
    (spelling) => {
      const run = runWrapper(shell, { variables: [], keep: spelling });
      expect(run.status).toBe(1);
      expect(run.runtimeEnv).toBeUndefined();
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`${KEEP}=${spelling} is neither true nor false (the only two spellings)`);
    },
  );
});

// bash applies SHELLOPTS before the first line: with noexec it runs no line at all, with onecmd only
// the first (`#!/bin/sh`, a comment). Not defensible from inside the script (SECURITY.md); what
// remains true is that the function does not start and nothing is printed.
describe.runIf(SHELLS.some((shell) => shell.kind === "bash"))(
  "SHELLOPTS that stop bash before the first line",
  () => {
    const bash = SHELLS.find((shell) => shell.kind === "bash") as ShellUnderTest;
    const shellOpts = POOL.find((variable) => variable.name === "SHELLOPTS") as PoolVariable;

    it.each(["noexec", "onecmd"])(
      "%s: starts no function and prints nothing (control: it stops a script)",
      (value) => {
        const script = join(scratch, `control-${value}.sh`);
        writeFileSync(script, "#!/bin/sh\necho first\necho second\n");
        expect(runShell(bash, {}, [script]).stdout).toBe("first\nsecond\n");
        expect(runShell(bash, { SHELLOPTS: value }, [script]).stdout).toBe("");

        const run = runWrapper(bash, { variables: [{ variable: shellOpts, value }], keep: undefined });
        expect(run.runtimeEnv).toBeUndefined();
        expect(`${run.stdout}${run.stderr}`).toBe("");
      },
    );
  },
);
