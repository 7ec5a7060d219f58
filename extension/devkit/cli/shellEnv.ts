import { CREDENTIAL_VARIABLES, type CredentialVariable } from "../../src/startup/env.js";

/**
 * The variables `local` hands to a shell (or to a command it runs): what the layer's exec wrapper
 * does in Lambda, for a laptop. Kept as data so the printed lines and `local -- COMMAND` agree.
 */
export interface ShellEnv {
  /** Removed first: anything SDKs would read before container credentials. */
  readonly unset: readonly string[];
  readonly set: readonly { readonly name: string; readonly value: string; readonly comment?: string }[];
  /** Comment lines printed above the variables. */
  readonly notes: readonly string[];
}

export interface ShellEnvInput {
  readonly rolesUrl: string;
  readonly token: string;
  readonly defaultRole: string | undefined;
  readonly region: string | undefined;
  /** The STS stand-in's endpoint, when the roles come from it (their keys work only there). */
  readonly stsEndpoint?: string;
}

/**
 * The wrapper's list (env.ts CREDENTIAL_VARIABLES), applied the same way, except that what the
 * wrapper moves to another name is only removed here: those lines are printed, and a copy would print
 * your own keys. What the wrapper leaves in place (AWS_SESSION_TOKEN, which no SDK uses without a key
 * id and secret) stays here too.
 */
function credentialChanges(when: CredentialVariable["when"]): {
  unset: string[];
  pinned: { name: string; value: string }[];
} {
  const rules = CREDENTIAL_VARIABLES.filter((variable) => variable.when === when);
  return {
    unset: rules
      .filter((variable) => variable.action !== "copy" && variable.pinnedTo === undefined)
      .map((variable) => variable.name),
    pinned: rules.flatMap((variable) =>
      variable.pinnedTo === undefined ? [] : [{ name: variable.name, value: variable.pinnedTo }],
    ),
  };
}

export function shellEnv(input: ShellEnvInput): ShellEnv {
  const notes: string[] = [];
  const set: { name: string; value: string; comment?: string }[] = [];
  // The sidecar's token is always handed out as AWS_CONTAINER_AUTHORIZATION_TOKEN.
  const unset = credentialChanges("sidecar token").unset;
  if (input.defaultRole !== undefined) {
    notes.push(`the SDKs' default credentials are now role ${input.defaultRole}, served by the sidecar`);
    // Every SDK reads keys, profiles, web identity and the ECS relative URI before a full URI: as in
    // Lambda (where the wrapper moves them aside), none of them may be left.
    const changes = credentialChanges("default role");
    unset.push(...changes.unset);
    set.push(
      ...changes.pinned.map((pin) => ({ ...pin, comment: "its profiles would win over the sidecar" })),
      { name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", value: `${input.rolesUrl}${input.defaultRole}` },
    );
  } else {
    notes.push(`no default role: point an SDK at $CREDENTIALS_SIDECAR_ROLES_URL<role name> yourself`);
  }
  // The wrapper's variables, so code written for Lambda (a second role by URL) runs here unchanged.
  set.push(
    { name: "AWS_CONTAINER_AUTHORIZATION_TOKEN", value: input.token },
    { name: "CREDENTIALS_SIDECAR_ROLES_URL", value: input.rolesUrl },
    { name: "CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN", value: input.token },
  );
  if (input.region !== undefined) {
    set.push(
      { name: "AWS_REGION", value: input.region },
      { name: "AWS_DEFAULT_REGION", value: input.region },
    );
  }
  if (input.stsEndpoint !== undefined) {
    notes.push("these credentials come from the built-in STS stand-in: they work for STS calls only, there");
    set.push({
      name: "AWS_ENDPOINT_URL_STS",
      value: input.stsEndpoint,
      comment: "the stand-in; roles in account 123456789012 only",
    });
  }
  return { unset, set, notes };
}

/** POSIX shell lines: `# note`, `unset ...`, `export NAME='value'  # comment`. */
export function formatShellEnv(env: ShellEnv): string {
  const lines = env.notes.map((note) => `# ${note}`);
  if (env.unset.length > 0) lines.push(`unset ${env.unset.join(" ")}`);
  for (const { name, value, comment } of env.set) {
    lines.push(`export ${name}=${shellQuote(value)}${comment === undefined ? "" : `  # ${comment}`}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The environment a command gets: this one, with the same changes the printed lines make. */
export function applyShellEnv(base: NodeJS.ProcessEnv, env: ShellEnv): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...base };
  for (const name of env.unset) delete result[name];
  for (const { name, value } of env.set) result[name] = value;
  return result;
}

export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
