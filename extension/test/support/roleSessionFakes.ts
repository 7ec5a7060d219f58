/**
 * What the RoleSession unit tests share: STS errors as the SDK throws them, a fake AssumeRole whose
 * calls the test settles by hand, and a session on a FakeClock (optionally already holding credentials).
 */
import { createLogger } from "../../src/platform/log.js";
import type { Metrics } from "../../src/platform/metrics.js";
import { type Acquired, RoleSession } from "../../src/roles/roleSession.js";
import type { RoleCredentials } from "../../src/sts/credentials.js";
import { type Deferred, deferred, FakeClock, settle } from "./fakeClock.js";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const THROTTLING = Object.assign(new Error("Rate exceeded"), {
  name: "Throttling",
  $metadata: { httpStatusCode: 400 },
});
export const ACCESS_DENIED = Object.assign(new Error("not authorized to perform sts:AssumeRole"), {
  name: "AccessDenied",
  $metadata: { httpStatusCode: 403 },
});

/** A fake AssumeRole: every call waits on a deferred the test settles; credentials are numbered. */
export class FakeAssume {
  readonly calls: Deferred<RoleCredentials>[] = [];
  private issued = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly lifetimeMs = 60 * MINUTE,
  ) {}

  readonly assume = (): Promise<RoleCredentials> => {
    const call = deferred<RoleCredentials>();
    this.calls.push(call);
    return call.promise;
  };

  get count(): number {
    return this.calls.length;
  }

  /** Resolves the latest call with fresh credentials issued now; returns them. */
  succeed(): RoleCredentials {
    this.issued++;
    const credentials: RoleCredentials = {
      accessKeyId: `ASIAFAKE${this.issued}`,
      secretAccessKey: `secret-${this.issued}`,
      sessionToken: `token-${this.issued}`,
      expiresAtMs: this.clock.now() + this.lifetimeMs,
      roleArn: "arn:aws:iam::123456789012:role/reader",
      assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/reader/session",
      accountId: "123456789012",
      sessionName: "session",
    };
    this.latest().resolve(credentials);
    return credentials;
  }

  fail(error: unknown): void {
    this.latest().reject(error);
  }

  private latest(): Deferred<RoleCredentials> {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error("assume was not called");
    return call;
  }
}

export interface SetUpOptions {
  readonly lifetimeMs?: number;
  /** What every random() call returns (0 unless given: each jittered delay at its base). */
  readonly random?: number;
  readonly metrics?: Metrics;
}

export function setUp(options: SetUpOptions = {}) {
  const clock = new FakeClock();
  const fake = new FakeAssume(clock, options.lifetimeMs);
  const lines: string[] = [];
  const session = new RoleSession({
    name: "reader",
    settings: { refreshBeforeExpirySeconds: 1200 },
    assume: fake.assume,
    clock,
    random: () => options.random ?? 0,
    log: createLogger("debug", (line) => lines.push(line)),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  return { clock, fake, session, lines };
}

/** Prepares a session that holds one set of credentials issued at the clock's start. */
export async function withCredentials(options: SetUpOptions = {}) {
  const context = setUp(options);
  const first = context.session.acquire(0);
  const credentials = context.fake.succeed();
  await first;
  await settle();
  return { ...context, credentials, startMs: context.clock.now() };
}

export function credentialsOf(acquired: Acquired): RoleCredentials {
  if (!acquired.ok) throw new Error(`expected credentials, got ${acquired.failure.code}`);
  return acquired.credentials;
}
