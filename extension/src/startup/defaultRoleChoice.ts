import type { ConfigSource } from "../config/configSource.js";
import { scanDefaultRole } from "../config/defaultRoleScan.js";
import { ENVIRONMENT_ROLE_NAME } from "../config/fromEnvironment.js";

/**
 * The default role the wrapper is told, decided before `register` without parsing the config when
 * that is certain: the environment config's one role is "default"; a file is pre-scanned. Otherwise
 * (a file the scan cannot decide, one that cannot be read, no config at all) start-up loads the
 * config before `register`, as the full parse alone can say, or refuse.
 */
export type DefaultRoleChoice =
  | { readonly decided: true; readonly defaultRole: string | undefined }
  | { readonly decided: false; readonly reason: string };

export function chooseDefaultRole(source: ConfigSource): DefaultRoleChoice {
  if (source.kind === "environment") return { decided: true, defaultRole: ENVIRONMENT_ROLE_NAME };
  if (source.kind === "none") return { decided: false, reason: "no config found" };
  if (!source.read.ok) return { decided: false, reason: `${source.path} cannot be read` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(source.read.bytes);
  } catch {
    return { decided: false, reason: `${source.path} is not valid UTF-8` };
  }
  return scanDefaultRole(text);
}

/** After the full parse: the pre-scanned answer must be the real one (else the wrapper was misled). */
export function defaultRoleMismatch(
  announced: string | undefined,
  real: string | undefined,
): string | undefined {
  if (announced === real) return undefined;
  const show = (name: string | undefined) => (name === undefined ? "none" : JSON.stringify(name));
  return `the default role read before register (${show(announced)}) is not the config's (${show(real)}); the wrapper may have given the runtime the wrong role, so init stops. Please report this with the config file`;
}
