import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { RoleConfig } from "../config/types.js";
import {
  type IssuedCredentials,
  issuedCredentials,
  type RoleCredentials,
  STS_CONNECTION_TIMEOUT_MS,
  STS_REQUEST_TIMEOUT_MS,
} from "./credentials.js";
import { retryOnceOnReusedSocketReset, stsAgent } from "./stsHttp.js";

export interface SdkStsAssumerOptions {
  readonly region: string | undefined;
  /** Where a role without `source` gets its credentials (the execution role in Lambda). */
  readonly baseCredentials: AwsCredentialIdentityProvider;
}

/**
 * Returns a function that assumes `role` with credentials from `source` (another role's current
 * credentials, or the base chain). The SDK reads AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL itself.
 */
export function createSdkStsAssumer(options: SdkStsAssumerOptions) {
  const clients = new Map<string, STSClient>();
  const clientFor = async (
    role: RoleConfig,
    credentials: AwsCredentialIdentityProvider,
  ): Promise<STSClient> => {
    let client = clients.get(role.name);
    if (client === undefined) {
      const [httpAgent, httpsAgent] = await Promise.all([stsAgent("http:"), stsAgent("https:")]);
      client = new STSClient({
        region: role.region ?? options.region,
        credentials,
        // Retries are ours (backoff with jitter, last good credentials served meanwhile).
        maxAttempts: 1,
        requestHandler: {
          connectionTimeout: STS_CONNECTION_TIMEOUT_MS,
          requestTimeout: STS_REQUEST_TIMEOUT_MS,
          // Without it, smithy only logs a warning when requestTimeout passes and a hung STS call
          // stays in flight for ever, blocking every retry (faults.test.ts, "hang" at the refresh boundary).
          throwOnRequestTimeout: true,
          // Shared with the direct client: reused sockets reset before an answer are noticed, proxies honoured.
          httpAgent,
          httpsAgent,
        },
      });
      clients.set(role.name, client);
    }
    return client;
  };

  return async function assume(
    role: RoleConfig,
    sessionName: string,
    source: (() => Promise<RoleCredentials>) | undefined,
    generatedSourceIdentity?: string,
  ): Promise<IssuedCredentials> {
    const credentials: AwsCredentialIdentityProvider =
      source === undefined ? options.baseCredentials : async () => toIdentity(await source());
    const p = role.parameters;
    const client = await clientFor(role, credentials);
    // Resolved before the deadline starts (the SDK keeps what a provider gave while it is valid):
    // the deadline is STS's, not the credential chain's or a source role's.
    await credentials();
    const command = new AssumeRoleCommand({
      ...p,
      RoleSessionName: sessionName,
      ...(generatedSourceIdentity !== undefined ? { SourceIdentity: generatedSourceIdentity } : {}),
    });
    const response = await retryOnceOnReusedSocketReset(() => sendWithinDeadline(client, command));
    const issued = response.Credentials;
    if (issued === undefined) {
      throw Object.assign(new Error("STS answered AssumeRole without credentials"), { name: "StsError" });
    }
    // Blank fields and a missing or absurd Expiration are judged by unusableCredentials, with the clock.
    const answer = {
      accessKeyId: issued.AccessKeyId ?? "",
      secretAccessKey: issued.SecretAccessKey ?? "",
      sessionToken: issued.SessionToken ?? "",
      expiresAtMs: issued.Expiration?.getTime() ?? Number.NaN,
      assumedRoleArn: response.AssumedRoleUser?.Arn ?? "",
    };
    return issuedCredentials(answer, p.RoleArn, sessionName, client.config.systemClockOffset ?? 0);
  };
}

/**
 * One AssumeRole within STS_REQUEST_TIMEOUT_MS from the request's start to the answer's last byte.
 * The handler's requestTimeout stops at the answer's headers and its socket timeout is an idle one:
 * a peer trickling the body would hold the call for ever. Aborting destroys the request and its
 * answer; whatever the SDK then throws is reported as the timeout it is.
 */
async function sendWithinDeadline(client: STSClient, command: AssumeRoleCommand) {
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), STS_REQUEST_TIMEOUT_MS);
  try {
    return await client.send(command, { abortSignal: abort.signal });
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    throw Object.assign(
      new Error(
        `STS did not answer within ${STS_REQUEST_TIMEOUT_MS} ms (connection, request and whole answer)`,
      ),
      { name: "TimeoutError" },
    );
  } finally {
    clearTimeout(deadline);
  }
}

function toIdentity(credentials: RoleCredentials): AwsCredentialIdentity {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: new Date(credentials.expiresAtMs),
  };
}
