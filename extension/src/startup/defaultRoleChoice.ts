import type { ConfigSource } from "../config/configSource.js";
import { scanDefaultRole } from "../config/defaultRoleScan.js";
import { ENVIRONMENT_ROLE_NAME } from "../config/fromEnvironment.js";
import { readSimpleYaml } from "../config/simpleYaml.js";

/**
 * The default role the wrapper is told, decided before `register` without parsing the config when
 * that is certain: the environment config's one role is "default"; a file is pre-scanned, and what
 * the scan cannot decide is read by the simple reader (config/simpleYaml.ts) where it is plain YAML.
 * Otherwise (a file neither decides, one that cannot be read, no config at all) start-up loads the
 * config before `register`, as the full parse alone can say, or refuse.
 */
export type DefaultRoleChoice =
  | {
      readonly decided: true;
      readonly defaultRole: string | undefined;
      /** The file as the simple reader read it, where it did: start-up does not read it again. */
      readonly config?: Record<string, unknown>;
    }
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
  const scanned = scanDefaultRole(text);
  if (scanned.decided) return scanned;
  // The scan goes line by line and leaves much undecided (a comment with an apostrophe, say); the
  // simple reader reads a whole plain-YAML file as the full parse would, which then agrees.
  const simple = readSimpleYaml(source.read.bytes);
  return simple === undefined ? scanned : defaultRoleIn(simple);
}

/** The validator's rule (validate.ts, normalise) on a config read: `default`, else the one role. */
function defaultRoleIn(config: Record<string, unknown>): DefaultRoleChoice {
  const { roles } = config;
  if (typeof roles !== "object" || roles === null || Array.isArray(roles))
    return { decided: false, reason: "roles is not a mapping" };
  if (typeof config.default === "string") return { decided: true, defaultRole: config.default, config };
  if (config.default !== undefined) return { decided: false, reason: "default is not a name" };
  const names = Object.keys(roles);
  return { decided: true, defaultRole: names.length === 1 ? names[0] : undefined, config };
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
