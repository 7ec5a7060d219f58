/**
 * How a config error shows the value it refuses: quoted, on one line, truncated, and never for a key
 * whose value is treated as secret.
 *
 * Secret: ExternalId. AWS calls it "not a secret", but it is the one value that stands between a
 * third party and a confused-deputy AssumeRole, is often handed out like a password, and ends up in
 * Lambda's init error and CloudWatch; nothing else in the config is a credential (keys and tokens
 * never belong there, and an unknown key is named, never its value).
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["ExternalId"]);
export const MAX_QUOTED_CHARACTERS = 60;

/** ` (got "…")` for the value at `key`, or ` (value not shown: … secret)` for a secret key. */
export function gotValue(key: string | number | undefined, value: unknown): string {
  if (typeof key === "string" && SECRET_KEYS.has(key))
    return ` (value not shown: ${key} is treated as a secret)`;
  return ` (got ${describeValue(value)})`;
}

export function describeValue(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") {
    const entries = Object.keys(value).length;
    return `a mapping of ${entries} entr${entries === 1 ? "y" : "ies"}`;
  }
  return String(value);
}

/** A string as a JSON literal (control characters escaped), cut at MAX_QUOTED_CHARACTERS. */
export function quote(text: string): string {
  const characters = [...text];
  if (characters.length <= MAX_QUOTED_CHARACTERS) return JSON.stringify(text);
  return `${JSON.stringify(characters.slice(0, MAX_QUOTED_CHARACTERS).join(""))}… (${characters.length} characters)`;
}
