/**
 * What the two readers of a config file that come before the YAML library (defaultRoleScan.ts, before
 * `register`; simpleYaml.ts) must decide alike.
 */

/** Words some YAML version (1.1 or 1.2) reads as null or a boolean, in any case. */
const YAML_WORDS = new Set(["true", "false", "null", "yes", "no", "on", "off", "y", "n"]);

export function isYamlWord(text: string): boolean {
  return YAML_WORDS.has(text.toLowerCase());
}

/** What may end a line after a key or a value: spaces, then a comment (a regular expression's source). */
export const LINE_END = "(?:[ ]+(?:#.*)?)?";
