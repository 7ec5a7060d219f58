/**
 * Role session names for CloudTrail, after aws-assume-role-lib's generate_lambda_session_name:
 * `{function}.{version}.{instance id}`, the version left out for $LATEST, at most 64 characters.
 * The instance id is the log stream's when the wrapper reports it (sessionNaming.ts), else the
 * sidecar's own, logged first thing: either leads from a CloudTrail session name to the logs.
 */
const MAX_LENGTH = 64;
const INVALID_CHARACTERS = /[^A-Za-z0-9_=,.@-]+/g;

export interface SessionNameInput {
  /** AWS_LAMBDA_FUNCTION_NAME; outside Lambda, a name for the host process. */
  readonly functionName: string;
  readonly functionVersion?: string;
  readonly instanceId: string;
}

export function generateSessionName({ functionName, functionVersion, instanceId }: SessionNameInput): string {
  const version = functionVersion && functionVersion !== "$LATEST" ? `.${functionVersion}` : "";
  let value: string;
  if (functionName.length > 59) {
    // Not even four characters of the id would fit: the function name alone is the better clue.
    value = functionName.slice(0, MAX_LENGTH);
  } else if (functionName.length + version.length > 59) {
    value = `${functionName}.${instanceId}`.slice(0, MAX_LENGTH);
  } else {
    value = `${functionName}${version}.${instanceId}`.slice(0, MAX_LENGTH);
  }
  return padToMinimum(value.replace(INVALID_CHARACTERS, "_"));
}

/** STS needs at least two characters. */
function padToMinimum(name: string): string {
  return name.length >= 2 ? name : `${name}__`.slice(0, 2);
}

/** The session name a role uses: its own, else its SourceIdentity (as aws-assume-role-lib does), else generated. */
export function sessionNameFor(
  parameters: { RoleSessionName?: string; SourceIdentity?: string },
  generated: string,
): string {
  return parameters.RoleSessionName ?? parameters.SourceIdentity ?? generated;
}
