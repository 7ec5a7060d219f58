import { isYamlWord, LINE_END } from "./yamlForms.js";

/**
 * The config file's default role, read before `register` without the YAML parser (the wrapper needs
 * it before the runtime starts; parsing and validating come after `register`). Only simple, certain
 * forms are decided: a block mapping at column 0 holding `roles:` (once, with block-mapping roles at
 * one indentation) and at most one `default: name` (plain or simply quoted, comment allowed), and
 * nothing else at column 0 but `$schema: value`. Anything else is undecided, and start-up then parses
 * the file before `register`, as the full parse is the only authority. After `register` the full
 * parse is compared with this answer: a difference fails init.
 */
export type DefaultRoleScan =
  | { readonly decided: true; readonly defaultRole: string | undefined }
  | { readonly decided: false; readonly reason: string };

/** A name YAML reads as this very string: a letter first, never a word YAML 1.1 or 1.2 makes a scalar of. */
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const TOP_KEY = /^([A-Za-z$][A-Za-z0-9_$-]*)[ ]*:(?=[ ]|$)(.*)$/;
const ROLE_KEY = new RegExp(`^([A-Za-z][A-Za-z0-9_-]*):${LINE_END}$`);
/** `default:`'s value: a name, plain or in single or double quotes, then an optional comment. */
const DEFAULT_VALUE = new RegExp(
  `^[ ]+(?:([A-Za-z0-9_-]+)|'([A-Za-z0-9_-]+)'|"([A-Za-z0-9_-]+)")${LINE_END}$`,
);
/** `$schema:`'s value: one line, plain (no flow, anchor, alias, tag or block indicator) or quoted. */
const SCHEMA_VALUE = new RegExp(`^[ ]+(?:[A-Za-z0-9./_:-]+|'[^']*'|"[^"\\\\]*")${LINE_END}$`);
const EMPTY_VALUE = new RegExp(`^${LINE_END}$`);

const undecided = (reason: string): DefaultRoleScan => ({ decided: false, reason });

export function scanDefaultRole(text: string): DefaultRoleScan {
  // Tabs, carriage returns, a byte-order mark, control characters: forms whose reading is not certain.
  if (/[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]/.test(text) || text.includes("\t")) {
    return undecided("the file holds tabs, carriage returns or other control characters");
  }
  const lines = text.split("\n");
  // A quoted or flow value spanning lines could hold what looks like a key: every line must close
  // what it opens (comments included, which only makes the scan more often undecided).
  const open = lines.findIndex((line) => !balanced(line));
  if (open >= 0) return undecided(`line ${open + 1} opens a quote or bracket it does not close`);
  let defaultValue: string | undefined;
  let defaults = 0;
  let rolesLine = -1;
  for (const [index, line] of lines.entries()) {
    if (isBlankOrComment(line) || line.startsWith(" ")) continue;
    if (/^(---|\.\.\.|%)/.test(line)) return undecided("the file has document markers or directives");
    const key = TOP_KEY.exec(line);
    if (key === null) return undecided(`line ${index + 1} is not a simple top-level key`);
    const [, name, rest = ""] = key;
    if (name === "default") {
      const value = DEFAULT_VALUE.exec(rest);
      if (value === null) return undecided(`line ${index + 1}: default's value is not a simple name`);
      defaultValue = value[1] ?? value[2] ?? value[3];
      defaults += 1;
    } else if (name === "roles") {
      if (rolesLine >= 0) return undecided("roles appears twice");
      if (!EMPTY_VALUE.test(rest)) return undecided(`line ${index + 1}: roles is not a block mapping`);
      rolesLine = index;
    } else if (name === "$schema") {
      if (!SCHEMA_VALUE.test(rest)) return undecided(`line ${index + 1}: $schema's value is not simple`);
    } else {
      return undecided(`line ${index + 1}: top-level key ${name} is not one the scan knows`);
    }
  }
  if (defaults > 1) return undecided("default appears more than once");
  if (rolesLine < 0) return undecided("no roles: line at column 0");
  const roles = roleNames(lines, rolesLine);
  if (!roles.ok) return undecided(roles.reason);
  if (defaultValue !== undefined) {
    if (!isName(defaultValue)) return undecided("default's value is not a name YAML reads as written");
    return { decided: true, defaultRole: defaultValue };
  }
  // No default: the one role when there is one, else none (the validator's rule).
  return { decided: true, defaultRole: roles.names.length === 1 ? roles.names[0] : undefined };
}

/** The keys of the block mapping under `roles:`, each at the same indentation and each a block mapping. */
function roleNames(
  lines: readonly string[],
  rolesLine: number,
): { ok: true; names: string[] } | { ok: false; reason: string } {
  const names: string[] = [];
  let indent = -1;
  for (let index = rolesLine + 1; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (isBlankOrComment(line)) continue;
    const depth = line.length - line.trimStart().length;
    if (depth === 0) break;
    if (indent < 0) indent = depth;
    if (depth < indent) return { ok: false, reason: `line ${index + 1} is indented less than the roles` };
    if (depth > indent) continue;
    const key = ROLE_KEY.exec(line.slice(depth));
    if (key === null) return { ok: false, reason: `line ${index + 1} is not a simple role name` };
    const name = key[1] ?? "";
    if (!isName(name))
      return { ok: false, reason: `line ${index + 1}: ${name} is not a name YAML reads as written` };
    if (names.includes(name)) return { ok: false, reason: `role ${name} appears twice` };
    names.push(name);
  }
  if (names.length === 0) return { ok: false, reason: "no role under roles:" };
  return { ok: true, names };
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed === "" || trimmed.startsWith("#");
}

function balanced(line: string): boolean {
  const count = (char: string) => line.split(char).length - 1;
  return (
    count('"') % 2 === 0 && count("'") % 2 === 0 && count("[") === count("]") && count("{") === count("}")
  );
}

function isName(name: string): boolean {
  return NAME.test(name) && !isYamlWord(name);
}
