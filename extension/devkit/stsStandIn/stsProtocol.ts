// STS awsQuery wire format (form-encoded request, XML response) and the few AssumeRole rules the
// stand-in needs: who may assume what, for how long, as what session. Fidelity to STS's parameter
// validation is moto's job in the tests; the extension validates its config before it calls.
// Pure: no I/O.

export const STS_VERSION = "2011-06-15";
const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

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

const validationError = (message: string) => new StsError("ValidationError", message, 400);

/** Query parameters from the form body, then the URL query string (body wins). */
export function parseParams(body: string, query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) params.set(k, v);
  for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  return params;
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

// ---- AssumeRole ------------------------------------------------------------------------------------

export interface Caller {
  arn: string;
  userId: string;
  account: string;
  /** True for assumed-role sessions. */
  chained: boolean;
  sourceIdentity?: string;
}

export interface AssumeRolePolicy {
  accountId: string;
  deniedRoles: readonly string[];
  /** Role name → the ExternalId its trust policy demands. */
  externalIds: Readonly<Record<string, string>>;
}

export interface AssumeRoleRequest {
  roleArn: string;
  roleName: string;
  sessionName: string;
  durationSeconds: number;
  /** The request's, else the one the calling session carries (STS keeps it along a chain). */
  sourceIdentity?: string;
  /** Session tags asked for (`Tags.member.N.Key` / `.Value`), in order. */
  tags: { key: string; value: string }[];
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

const deniedMessage = (caller: Caller, roleArn: string) =>
  `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;

/**
 * The session an AssumeRole asks for, or an StsError: a missing RoleArn or RoleSessionName, a RoleArn
 * that is no role's, a DurationSeconds that is no number (ValidationError); a role of another account,
 * a denied one, or a wrong or missing ExternalId (AccessDenied). Tags are recorded; other parameters
 * (Policy...) are accepted and ignored.
 */
export function checkAssumeRole(
  p: Map<string, string>,
  caller: Caller,
  policy: AssumeRolePolicy,
): AssumeRoleRequest {
  const required = (name: string, at: string): string => {
    const value = p.get(name);
    if (value !== undefined && value !== "") return value;
    throw validationError(
      `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`,
    );
  };
  const roleArn = required("RoleArn", "roleArn");
  const sessionName = required("RoleSessionName", "roleSessionName");
  const rawDuration = p.get("DurationSeconds");
  const durationSeconds = rawDuration === undefined ? 3600 : Number(rawDuration);
  if (!Number.isInteger(durationSeconds)) {
    throw validationError(`Invalid value '${rawDuration}' for DurationSeconds`);
  }
  const arn = ROLE_ARN.exec(roleArn);
  if (!arn?.[1] || !arn[2]) throw validationError(`${roleArn} is invalid`);
  const [, account, roleName] = arn;
  const wantedExternalId = policy.externalIds[roleName];
  const denied =
    account !== policy.accountId ||
    policy.deniedRoles.includes(roleName) ||
    (wantedExternalId !== undefined && wantedExternalId !== p.get("ExternalId"));
  if (denied) throw new StsError("AccessDenied", deniedMessage(caller, roleArn), 403);
  return {
    roleArn,
    roleName,
    sessionName,
    durationSeconds,
    sourceIdentity: p.get("SourceIdentity") ?? caller.sourceIdentity,
    tags: tagsOf(p),
  };
}

function tagsOf(p: Map<string, string>): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [];
  for (let n = 1; p.has(`Tags.member.${n}.Key`); n++)
    tags.push({ key: p.get(`Tags.member.${n}.Key`) ?? "", value: p.get(`Tags.member.${n}.Value`) ?? "" });
  return tags;
}
