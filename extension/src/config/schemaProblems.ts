import { joinPath, pointerToPath, valueAtPointer } from "./configPath.js";
import { gotValue, quote } from "./quoteValue.js";
import type { SchemaError } from "./schemaValidator.generated.js";
import { validate } from "./schemaValidator.generated.js";
import { TENANT_PLACEHOLDER } from "./tenantPlaceholders.js";
import type { ConfigProblem } from "./types.js";

/** Human wording for each pattern in config.schema.json, keyed by the pattern itself. */
const PATTERN_MESSAGES: Record<string, string> = {
  "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$":
    "must be a role name: 1-64 letters, digits, _ or -, starting with a letter or digit",
  "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,576}$":
    "must be an IAM role ARN such as arn:aws:iam::123456789012:role/name",
  "^(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$": `must be 2-64 characters of letters, digits and _+=,.@- (${TENANT_PLACEHOLDER} stands for the tenant id)`,
  "^(?!aws:)(?:(?:[A-Za-z0-9_+=,.@-]|\\$\\{tenantId\\}){2,64}|\\$\\{tenantId\\})$": `must be 2-64 characters of letters, digits and _+=,.@-, not starting with aws: (${TENANT_PLACEHOLDER} stands for the tenant id)`,
  "^[A-Za-z0-9_+=,.@:/-]{2,1224}$": "must be 2-1224 characters of letters, digits and _+=,.@:/-",
  "^[a-z]{2}(-[a-z]+)+-[0-9]+$": "must be a region name such as eu-west-1",
  "^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]{1,640}$":
    "must be an IAM policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess",
  "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$": "must be a tag key: 1-128 letters, digits, spaces and _.:/=+@-",
  "^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]|\\$\\{tenantId\\}){0,256}$": `must be a tag value: at most 256 letters, digits, spaces and _.:/=+@- (${TENANT_PLACEHOLDER} stands for the tenant id)`,
  "\\S": "must not be empty",
};

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
};

/** Validates against config.schema.json and words every problem with its path. */
export function schemaProblems(input: unknown, allowedKeys: (pointer: string) => string[]): ConfigProblem[] {
  if (validate(input)) return [];
  const errors = collapseOneOf(validate.errors ?? [], input);
  const problems: ConfigProblem[] = [];
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i] as SchemaError;
    const next = errors[i + 1];
    // A bad key shows as a `pattern` error immediately followed by `propertyNames` naming the key.
    if (
      error.keyword === "pattern" &&
      next?.keyword === "propertyNames" &&
      next.instancePath === error.instancePath
    ) {
      const key = String(next.params.propertyName);
      problems.push({
        // A key can be 1 MiB long: the path carries it cut like any quoted value.
        path: joinPath(pointerToPath(error.instancePath), [...key].length > 60 ? quote(key) : key),
        message: `is not a valid key: ${patternMessage(error)}`,
      });
      i++;
      continue;
    }
    problems.push(describe(error, allowedKeys, input));
  }
  return dedupe(problems);
}

/**
 * `oneOf` fails with every branch's errors. Keep the errors of the branch whose type fits the value
 * (a string in PolicyArns gets the ARN message, not "must be a mapping"); when no branch's type fits,
 * say which types are allowed.
 */
function collapseOneOf(errors: SchemaError[], input: unknown): SchemaError[] {
  const result: SchemaError[] = [];
  for (const error of errors) {
    if (error.keyword !== "oneOf") {
      result.push(error);
      continue;
    }
    const at = error.instancePath;
    const branch: SchemaError[] = [];
    while (result.length > 0) {
      const last = result[result.length - 1] as SchemaError;
      if (last.instancePath !== at && !last.instancePath.startsWith(`${at}/`)) break;
      branch.unshift(last);
      result.pop();
    }
    const typeMismatches = branch.filter((e) => e.keyword === "type" && e.instancePath === at);
    const rest = branch.filter((e) => !typeMismatches.includes(e));
    if (rest.length > 0 && valueAtPointer(input, at) !== undefined) {
      result.push(...rest);
    } else {
      const types = typeMismatches.map((e) => TYPE_NAMES[String(e.params.type)] ?? String(e.params.type));
      result.push({ ...error, keyword: "type", params: { types } });
    }
  }
  return result;
}

function describe(
  error: SchemaError,
  allowedKeys: (pointer: string) => string[],
  input: unknown,
): ConfigProblem {
  const path = pointerToPath(error.instancePath);
  const p = error.params;
  const key = error.instancePath.split("/").at(-1)?.replaceAll("~1", "/").replaceAll("~0", "~");
  const got = gotValue(key, valueAtPointer(input, error.instancePath));
  switch (error.keyword) {
    case "required":
      return { path: joinPath(path, String(p.missingProperty)), message: "is required" };
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      return { path: joinPath(path, key), message: unknownKeyMessage(key, allowedKeys(error.instancePath)) };
    }
    case "type": {
      const types = Array.isArray(p.types)
        ? (p.types as string[])
        : [TYPE_NAMES[String(p.type)] ?? String(p.type)];
      return { path, message: `must be ${types.join(" or ")}${got}` };
    }
    case "minimum":
      return { path, message: `must be at least ${String(p.limit)}${got}` };
    case "maximum":
      return { path, message: `must be at most ${String(p.limit)}${got}` };
    case "maxItems":
      return { path, message: `must have at most ${String(p.limit)} items${got}` };
    case "maxProperties":
      return { path, message: `must have at most ${String(p.limit)} entries${got}` };
    case "minProperties":
      return { path, message: path === "roles" ? "must name at least one role" : "must not be empty" };
    case "pattern":
      return { path, message: `${patternMessage(error)}${got}` };
    default:
      return { path, message: `${error.message ?? `fails ${error.keyword}`}${got}` };
  }
}

function patternMessage(error: SchemaError): string {
  const pattern = String(error.params.pattern);
  return PATTERN_MESSAGES[pattern] ?? `must match ${pattern}`;
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const near = allowed.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (near !== undefined) return `is not a known key; did you mean ${near}? (keys are case-sensitive)`;
  return allowed.length > 0 ? `is not a known key; allowed: ${allowed.join(", ")}` : "is not a known key";
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
