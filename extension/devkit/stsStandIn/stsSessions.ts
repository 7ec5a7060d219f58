// The stand-in's identities: the base keys (the execution role's, in Lambda terms) and every session
// AssumeRole issued, each with its secret, token and expiry; a request is authenticated by SigV4.
import { randomBytes } from "node:crypto";
import { headerValue, parseAuthorization, type SignedRequest, verifySignature } from "./sigv4.js";
import { type AssumeRoleRequest, type Caller, el, StsError } from "./stsProtocol.js";

/** The only account the stand-in knows: roles elsewhere are denied. */
export const STAND_IN_ACCOUNT = "123456789012";

export interface BaseIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
}

/**
 * Raw values AssumeRole answers with instead of the real ones, to test a client against a broken STS
 * (or a clock far from it): `Expiration: "2020-01-01T00:00:00Z"`, `AccessKeyId: " "`. The session
 * is still issued and works under its real key.
 */
export interface StsAnswerOverride {
  Expiration?: string;
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
}

export interface Principal extends Caller {
  secret: string;
  token?: string;
  expiresAt?: number;
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const randomChars = (n: number, alphabet: string) =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
const newId = (prefix: string, n = 16) => prefix + randomChars(n, UPPER_ALNUM);
const newSecret = () => randomBytes(30).toString("base64");

export class StsSessions {
  readonly base: BaseIdentity;
  issued = 0;
  private readonly principals = new Map<string, Principal>();
  private readonly roleIds = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    base: { accessKeyId: string; secretAccessKey: string; arn?: string } | undefined,
  ) {
    this.base = {
      accessKeyId: base?.accessKeyId ?? newId("AKIA"),
      secretAccessKey: base?.secretAccessKey ?? newSecret(),
      arn: base?.arn ?? `arn:aws:iam::${STAND_IN_ACCOUNT}:user/local-base`,
    };
    const baseRole = /:assumed-role\/[^/]+\/(.+)$/.exec(this.base.arn);
    this.principals.set(this.base.accessKeyId, {
      secret: this.base.secretAccessKey,
      arn: this.base.arn,
      account: this.base.arn.split(":")[4] || STAND_IN_ACCOUNT,
      userId: baseRole ? `${newId("AROA", 17)}:${baseRole[1]}` : newId("AIDA", 17),
      chained: baseRole !== null,
    });
  }

  /** The caller of a signed request; StsError when its key, token, signature or session is not good. */
  async authenticate(req: SignedRequest): Promise<Principal> {
    const header = headerValue(req.headers, "authorization");
    if (header === undefined)
      throw new StsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
    const auth = parseAuthorization(header);
    if ("code" in auth) throw new StsError(auth.code, auth.message, 400);
    const who = this.principals.get(auth.accessKeyId);
    const token = headerValue(req.headers, "x-amz-security-token");
    if (!who || token !== who.token) {
      throw new StsError(
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
      );
    }
    const failure = await verifySignature(req, auth, {
      service: "sts",
      nowMs: this.now(),
      secret: who.secret,
    });
    if (failure)
      throw new StsError(failure.code, failure.message, failure.code === "IncompleteSignature" ? 400 : 403);
    if (who.expiresAt !== undefined && who.expiresAt <= this.now()) {
      throw new StsError("ExpiredToken", "The security token included in the request is expired", 403);
    }
    return who;
  }

  /** Issues the session and renders AssumeRoleResult's elements (with `override`'s raw values). */
  issue(request: AssumeRoleRequest, lifetimeSeconds: number, override: StsAnswerOverride = {}): string[] {
    const expiresAt = Math.floor(this.now() / 1000) * 1000 + lifetimeSeconds * 1000;
    const roleId = this.roleIds.get(request.roleArn) ?? newId("AROA", 17);
    this.roleIds.set(request.roleArn, roleId);
    const session: Principal = {
      secret: newSecret(),
      token: randomBytes(300).toString("base64"),
      expiresAt,
      arn: `arn:aws:sts::${STAND_IN_ACCOUNT}:assumed-role/${request.roleName}/${request.sessionName}`,
      userId: `${roleId}:${request.sessionName}`,
      account: STAND_IN_ACCOUNT,
      chained: true,
      sourceIdentity: request.sourceIdentity,
    };
    const accessKeyId = newId("ASIA");
    this.principals.set(accessKeyId, session);
    this.issued++;
    const answer: Required<StsAnswerOverride> = {
      AccessKeyId: accessKeyId,
      SecretAccessKey: session.secret,
      SessionToken: session.token ?? "",
      Expiration: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      ...override,
    };
    return [
      el("Credentials", [
        el("AccessKeyId", answer.AccessKeyId),
        el("SecretAccessKey", answer.SecretAccessKey),
        el("SessionToken", answer.SessionToken),
        el("Expiration", answer.Expiration),
      ]),
      el("AssumedRoleUser", [el("AssumedRoleId", session.userId), el("Arn", session.arn)]),
      el("SourceIdentity", request.sourceIdentity),
    ];
  }
}
