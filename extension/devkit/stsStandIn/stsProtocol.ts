// STS awsQuery wire format (form-encoded request, XML response) and the AssumeRole parameter rules.
// Pure: no I/O.

export const STS_VERSION = "2011-06-15";
export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export class StsError extends Error {
  readonly type: "Sender" | "Receiver";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.type = status >= 500 ? "Receiver" : "Sender";
  }
}

export const validationError = (message: string) => new StsError("ValidationError", message, 400);

/** Query parameters from the form body, then the URL query string (body wins). */
export function parseParams(body: string, query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) params.set(k, v);
  for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  return params;
}

/** `Name.member.N[.Field]` entries ordered by N; scalar members are stored under the field "". */
export function listMembers(params: Map<string, string>, name: string): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  const re = new RegExp(`^${name}\\.member\\.(\\d+)(?:\\.(.+))?$`);
  for (const [key, value] of params) {
    const m = re.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const entry = byIndex.get(index) ?? {};
    entry[m[2] ?? ""] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

export const xmlEscape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);

/** Element with text (escaped) or nested elements (array, already rendered); undefined text → omitted. */
export function el(name: string, content: string | string[] | undefined): string {
  if (content === undefined) return "";
  return `<${name}>${Array.isArray(content) ? content.join("") : xmlEscape(content)}</${name}>`;
}

export function successXml(action: string, result: string[], requestId: string): string {
  return `<${action}Response xmlns="${STS_XMLNS}">\n${el(`${action}Result`, result)}\n${el("ResponseMetadata", [el("RequestId", requestId)])}\n</${action}Response>\n`;
}

export function errorXml(err: StsError, requestId: string): string {
  const error = el("Error", [el("Type", err.type), el("Code", err.code), el("Message", err.message)]);
  return `<ErrorResponse xmlns="${STS_XMLNS}">\n${error}\n${el("RequestId", requestId)}\n</ErrorResponse>\n`;
}

// ---- AssumeRole rules ------------------------------------------------------------------------------

export interface Caller {
  arn: string;
  userId: string;
  account: string;
  /** True for assumed-role sessions: AssumeRole from them is role chaining. */
  chained: boolean;
  sourceIdentity?: string;
}

export interface AssumeRolePolicy {
  accountId: string;
  deniedRoles: readonly string[];
  externalIds: Readonly<Record<string, string>>;
}

export interface AssumeRoleRequest {
  roleArn: string;
  roleName: string;
  sessionName: string;
  durationSeconds: number;
  sourceIdentity?: string;
  packedPolicySize?: number;
}

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const MAX_POLICY_CHARS = 2048;

class Violations {
  readonly list: string[] = [];
  add(value: string | undefined, at: string, constraint: string): void {
    const shown = value === undefined ? "null" : `'${value}'`;
    this.list.push(`Value ${shown} at '${at}' failed to satisfy constraint: Member must ${constraint}`);
  }
  string(
    value: string | undefined,
    at: string,
    min: number,
    max: number,
    pattern?: RegExp,
    src?: string,
  ): void {
    if (value === undefined) return;
    if (value.length < min) this.add(value, at, `have length greater than or equal to ${min}`);
    else if (value.length > max) this.add(value, at, `have length less than or equal to ${max}`);
    else if (pattern && !pattern.test(value))
      this.add(value, at, `satisfy regular expression pattern: ${src}`);
  }
  error(): StsError | undefined {
    const n = this.list.length;
    if (n === 0) return undefined;
    return validationError(`${n} validation error${n > 1 ? "s" : ""} detected: ${this.list.join("; ")}`);
  }
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

export const deniedMessage = (caller: Caller, roleArn: string) =>
  `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;

/** Validates AssumeRole parameters like STS does; throws StsError. */
export function checkAssumeRole(
  p: Map<string, string>,
  caller: Caller,
  policy: AssumeRolePolicy,
): AssumeRoleRequest {
  const v = new Violations();
  const roleArn = p.get("RoleArn");
  const sessionName = p.get("RoleSessionName");
  const rawDuration = p.get("DurationSeconds");
  const externalId = p.get("ExternalId");
  const sourceIdentity = p.get("SourceIdentity");
  const sessionPolicy = p.get("Policy");
  const policyArns = listMembers(p, "PolicyArns");
  const tags = listMembers(p, "Tags");
  if (roleArn === undefined) v.add(undefined, "roleArn", "not be null");
  v.string(roleArn, "roleArn", 20, 2048);
  if (sessionName === undefined) v.add(undefined, "roleSessionName", "not be null");
  v.string(sessionName, "roleSessionName", 2, 64, SESSION_NAME, "[\\w+=,.@-]*");
  let durationSeconds = 3600;
  if (rawDuration !== undefined) {
    durationSeconds = /^-?\d+$/.test(rawDuration) ? Number(rawDuration) : Number.NaN;
    if (Number.isNaN(durationSeconds))
      throw validationError(`Invalid value '${rawDuration}' for DurationSeconds`);
    if (durationSeconds < 900)
      v.add(rawDuration, "durationSeconds", "have value greater than or equal to 900");
    if (durationSeconds > 43200)
      v.add(rawDuration, "durationSeconds", "have value less than or equal to 43200");
  }
  v.string(externalId, "externalId", 2, 1224, EXTERNAL_ID, "[\\w+=,.@:\\/-]*");
  if (sourceIdentity?.toLowerCase().startsWith("aws:")) {
    throw validationError("SourceIdentity cannot start with the reserved prefix 'aws:'.");
  }
  v.string(sourceIdentity, "sourceIdentity", 2, 64, SESSION_NAME, "[\\w+=,.@-]*");
  if (sessionPolicy !== undefined && sessionPolicy.length < 1)
    v.add(sessionPolicy, "policy", "have length greater than or equal to 1");
  if (policyArns.length > 10)
    v.add(`[${policyArns.length} items]`, "policyArns", "have length less than or equal to 10");
  policyArns.forEach((a, i) => {
    v.string(a.arn ?? "", `policyArns.${i + 1}.member.arn`, 20, 2048);
  });
  if (tags.length > 50) v.add(`[${tags.length} items]`, "tags", "have length less than or equal to 50");
  tags.forEach((t, i) => {
    if (t.Key === undefined) v.add(undefined, `tags.${i + 1}.member.key`, "not be null");
    if (t.Value === undefined) v.add(undefined, `tags.${i + 1}.member.value`, "not be null");
    v.string(t.Key, `tags.${i + 1}.member.key`, 1, 128, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    v.string(t.Value, `tags.${i + 1}.member.value`, 0, 256, TAG_VALUE, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  });
  if (listMembers(p, "TransitiveTagKeys").length > 50) {
    v.add("[...]", "transitiveTagKeys", "have length less than or equal to 50");
  }
  const invalid = v.error();
  if (invalid || roleArn === undefined || sessionName === undefined)
    throw invalid ?? validationError("missing parameter");

  const keys = tags.map((t) => (t.Key ?? "").toLowerCase());
  if (new Set(keys).size !== keys.length) {
    throw validationError("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  }
  const arn = ROLE_ARN.exec(roleArn);
  if (!arn?.[1] || !arn[2]) throw validationError(`${roleArn} is invalid`);
  const [, account, roleName] = arn;
  if (caller.chained && durationSeconds > 3600) {
    throw validationError(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  const wantedExternalId = policy.externalIds[roleName];
  const denied =
    account !== policy.accountId ||
    policy.deniedRoles.includes(roleName) ||
    (wantedExternalId !== undefined && wantedExternalId !== externalId);
  if (denied) throw new StsError("AccessDenied", deniedMessage(caller, roleArn), 403);
  if (
    caller.sourceIdentity !== undefined &&
    sourceIdentity !== undefined &&
    sourceIdentity !== caller.sourceIdentity
  ) {
    throw validationError(
      "SourceIdentity cannot be changed in a role chain: it is already set on the calling session.",
    );
  }
  let packedPolicySize: number | undefined;
  if (sessionPolicy !== undefined) {
    packedPolicySize = Math.ceil((sessionPolicy.length * 100) / MAX_POLICY_CHARS);
    if (sessionPolicy.length > MAX_POLICY_CHARS) {
      throw new StsError(
        "PackedPolicyTooLarge",
        `Packed policy consumes ${packedPolicySize}% of allotted space, please use smaller policy.`,
        400,
      );
    }
    if (!isJsonObject(sessionPolicy)) {
      throw new StsError("MalformedPolicyDocument", "The policy is not in the valid JSON format.", 400);
    }
  } else if (tags.length > 0 || policyArns.length > 0) {
    packedPolicySize = 1;
  }
  return {
    roleArn,
    roleName,
    sessionName,
    durationSeconds,
    sourceIdentity: sourceIdentity ?? caller.sourceIdentity,
    packedPolicySize,
  };
}
