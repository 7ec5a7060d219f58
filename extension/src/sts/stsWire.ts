/**
 * STS's AssumeRole on the wire (the Query protocol, API version 2011-06-15): the form body the SDK
 * would send, and its answer read back, with the SDK's own XML parser. No I/O.
 */
import { parseXML } from "@aws-sdk/xml-builder";
import type { AssumeRoleParameters } from "../config/types.js";
import type { AssumeRoleAnswer } from "./credentials.js";
import { escapeUri } from "./sigV4.js";

export const STS_API_VERSION = "2011-06-15";

/** An STS failure shaped as the SDK throws it, so classifyStsError (stsErrors.ts) sorts it alike. */
export interface StsWireError extends Error {
  readonly code?: string;
  readonly $metadata: { httpStatusCode: number; clockSkewCorrected?: boolean };
}

export function stsWireError(name: string, message: string, httpStatusCode: number): StsWireError {
  const error = new Error(message) as Error & { $metadata: StsWireError["$metadata"] };
  error.name = name;
  error.$metadata = { httpStatusCode };
  return error;
}

/** Lists as the Query protocol spells them: `Name.member.1…`; an empty list as `Name=`. */
function addList<T>(
  out: [string, string][],
  name: string,
  items: readonly T[],
  add: (prefix: string, item: T) => void,
) {
  if (items.length === 0) out.push([name, ""]);
  for (const [i, item] of items.entries()) add(`${name}.member.${i + 1}`, item);
}

/** The AssumeRole request body (application/x-www-form-urlencoded), byte for byte the SDK's. */
export function assumeRoleForm(parameters: AssumeRoleParameters & { RoleSessionName: string }): string {
  const p = parameters;
  const out: [string, string][] = [
    ["Action", "AssumeRole"],
    ["Version", STS_API_VERSION],
    ["RoleArn", p.RoleArn],
    ["RoleSessionName", p.RoleSessionName],
  ];
  if (p.PolicyArns !== undefined)
    addList(out, "PolicyArns", p.PolicyArns, (k, v) => out.push([`${k}.arn`, v.arn]));
  if (p.Policy !== undefined) out.push(["Policy", p.Policy]);
  if (p.DurationSeconds !== undefined) out.push(["DurationSeconds", String(p.DurationSeconds)]);
  if (p.Tags !== undefined) {
    addList(out, "Tags", p.Tags, (k, tag) => {
      out.push([`${k}.Key`, tag.Key]);
      out.push([`${k}.Value`, tag.Value]);
    });
  }
  if (p.TransitiveTagKeys !== undefined)
    addList(out, "TransitiveTagKeys", p.TransitiveTagKeys, (k, v) => out.push([k, v]));
  if (p.ExternalId !== undefined) out.push(["ExternalId", p.ExternalId]);
  if (p.SourceIdentity !== undefined) out.push(["SourceIdentity", p.SourceIdentity]);
  return out.map(([key, value]) => `${escapeUri(key)}=${escapeUri(value)}`).join("&");
}

type Tree = Record<string, unknown>;
const child = (node: unknown, name: string): unknown =>
  node !== null && typeof node === "object" ? (node as Tree)[name] : undefined;
const text = (node: unknown): string => (typeof node === "string" ? node : "");

/** RFC 3339 date-time, as STS sends Expiration; anything else is no date (NaN). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parse(body: string, status: number): unknown {
  try {
    return parseXML(body);
  } catch (error) {
    // As the SDK: an answer it cannot read carries its status (a 200 is then judged unusable).
    throw stsWireError("StsError", `STS's answer is not XML: ${(error as Error).message}`, status);
  }
}

/**
 * Reads STS's answer: the credentials of a 200, or throws the error an `ErrorResponse` names (its
 * Code as the error's name, its Message as the message, the HTTP status in `$metadata`).
 */
export function readAssumeRoleAnswer(status: number, body: string): AssumeRoleAnswer {
  if (status < 200 || status >= 300) {
    // As the SDK's Query protocol: under whatever root, `Errors[0].Error`, `Errors.Error` or `Error`.
    const parsed = body.trim() === "" ? undefined : parseOrUndefined(body);
    const root = parsed !== null && typeof parsed === "object" ? Object.values(parsed)[0] : undefined;
    const errors = child(root, "Errors");
    const error =
      child(Array.isArray(errors) ? errors[0] : undefined, "Error") ??
      child(errors, "Error") ??
      child(root, "Error");
    const code = text(child(error, "Code")) || (status === 404 ? "NotFound" : "Unknown");
    throw stsWireError(code, text(child(error, "Message")) || `STS answered HTTP ${status}`, status);
  }
  const result = child(child(parse(body, status), "AssumeRoleResponse"), "AssumeRoleResult");
  const credentials = child(result, "Credentials");
  // As the SDK path (sdkStsAssumer.ts): no status attached, so it is retried as a plain StsError.
  if (credentials === undefined) {
    throw Object.assign(new Error("STS answered AssumeRole without credentials"), { name: "StsError" });
  }
  return {
    accessKeyId: text(child(credentials, "AccessKeyId")),
    secretAccessKey: text(child(credentials, "SecretAccessKey")),
    sessionToken: text(child(credentials, "SessionToken")),
    expiresAtMs: readExpiration(child(credentials, "Expiration"), status),
    assumedRoleArn: text(child(child(result, "AssumedRoleUser"), "Arn")),
  };
}

/** None: NaN, judged by unusableCredentials. One that is no date: unreadable, as the SDK throws. */
function readExpiration(node: unknown, status: number): number {
  const value = text(node).trim();
  if (value === "") return Number.NaN;
  const ms = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw stsWireError(
      "StsError",
      `Expiration ${JSON.stringify(value.slice(0, 40))} is not a date-time`,
      status,
    );
  return ms;
}

function parseOrUndefined(body: string): unknown {
  try {
    return parseXML(body);
  } catch {
    return undefined;
  }
}
