import { generateSessionName, type SessionNameInput } from "./sessionName.js";

/**
 * The generated session name of this execution environment, which can learn a better instance id
 * after start: the sidecar's own random id first, then the id at the end of the function's log
 * stream name once the layer's wrapper reports it (extensions cannot read that variable, the runtime
 * can). With that id, a CloudTrail session name leads to the log stream, as aws-assume-role-lib's do.
 */
export class SessionNaming {
  private instanceId: string;
  private logStreamName: string | undefined;

  constructor(private readonly input: SessionNameInput) {
    this.instanceId = input.instanceId;
  }

  /** The name for an AssumeRole starting now. */
  current(): string {
    return generateSessionName({ ...this.input, instanceId: this.instanceId });
  }

  /** The log stream whose id the name carries, once adopted. */
  get logStream(): string | undefined {
    return this.logStreamName;
  }

  /** Takes the id at the end of `logStreamName`; false (and no change) when it has none. */
  adoptLogStream(logStreamName: string): boolean {
    const id = instanceIdFromLogStream(logStreamName);
    if (id === undefined) return false;
    this.instanceId = id;
    this.logStreamName = logStreamName;
    return true;
  }
}

/**
 * The environment's id at the end of a log stream name, after the `[version]` Lambda puts before it:
 * `2021/10/02/[$LATEST]7dbe525574b94441ab09ec8ae6d724be` → `7dbe…24be`. A name without that form
 * (`$LATEST` under sam local and the Runtime Interface Emulator) carries no id: the sidecar keeps its own.
 */
export function instanceIdFromLogStream(logStreamName: string): string | undefined {
  return /\](\w+)$/.exec(logStreamName)?.[1];
}
