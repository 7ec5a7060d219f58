import type { RoleConfig, SidecarConfig } from "../config/types.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/log.js";
import type { Metrics } from "../platform/metrics.js";
import type { AssumeFunction } from "../sts/assumeFunction.js";
import type { RoleCredentials } from "../sts/credentials.js";
import { lacksBaseCredentials } from "../sts/stsErrors.js";
import { RoleSession } from "./roleSession.js";
import { sessionNameFor } from "./sessionName.js";
import type { ServedRole, TenantScope } from "./tenantScope.js";

export interface RoleRegistryOptions {
  readonly config: SidecarConfig;
  /** The generated session name for an AssumeRole starting now (it may learn the log stream's id). */
  readonly generatedSessionName: () => string;
  /** Loads the STS side on first use, keeping the SDK off the path to `register`. */
  readonly loadAssume: () => Promise<AssumeFunction>;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly log: Logger;
  readonly metrics?: Metrics;
  /** Tenant isolation mode; only when a role uses ${tenantId} (tenant/tenantMode.ts). */
  readonly tenant?: TenantScope;
}

/** Every configured role's session, chained roles wired to their sources. */
export class RoleRegistry {
  private readonly sessions = new Map<string, RoleSession>();
  /** The tenant-scoped roles' faces: what `get` answers for them. */
  private readonly scoped = new Map<string, ServedRole>();
  private assumeFunction: Promise<AssumeFunction> | undefined;

  constructor(private readonly options: RoleRegistryOptions) {
    for (const role of options.config.roles.values()) {
      this.sessions.set(
        role.name,
        new RoleSession({
          name: role.name,
          settings: role,
          clock: options.clock,
          random: options.random ?? Math.random,
          log: options.log,
          ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
          assume: async () => {
            const assumed = this.withTenant(role);
            // Named when the call starts: every assumption carries the best instance id known by then.
            const generated = options.generatedSessionName();
            const sessionName = sessionNameFor(assumed.parameters, generated);
            const sourceIdentity = role.generateSourceIdentity === true ? generated : undefined;
            return (await this.resolveAssume())(assumed, sessionName, this.sourceOf(role), sourceIdentity);
          },
        }),
      );
    }
    // Validation refuses such a config already; this keeps any other way in from serving a chained
    // role as the base credentials' identity.
    for (const role of options.config.roles.values()) this.sourceOf(role);
    const { tenant } = options;
    if (tenant === undefined) return;
    for (const name of tenant.roles) {
      const session = this.sessions.get(name);
      const role = options.config.roles.get(name);
      if (session && role) this.scoped.set(name, tenant.serve(role, session));
    }
    // Assume as soon as the id is known, before the function asks; stop for good when it never can be.
    tenant.onChange((state) => {
      if (state.known) void this.refreshDue();
      else for (const name of tenant.roles) this.sessions.get(name)?.stop();
    });
  }

  /** A session, or for a tenant-scoped role its gated face; either serves `acquire` and `state`. */
  get(name: string): RoleSession | ServedRole | undefined {
    return this.scoped.get(name) ?? this.sessions.get(name);
  }

  /** The role's own session, ungated (tests and the registry's bookkeeping). */
  session(name: string): RoleSession | undefined {
    return this.sessions.get(name);
  }

  names(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * Why the sidecar's own credentials are missing, when a role's AssumeRole failed for that reason
   * (the first such role's message); undefined otherwise.
   */
  baseCredentialsMissing(): string | undefined {
    for (const session of this.sessions.values()) {
      const failure = session.failure();
      if (failure !== undefined && lacksBaseCredentials(failure)) return failure.message;
    }
    return undefined;
  }

  /** Starts every due AssumeRole (all of them at start); resolves when they settle. */
  refreshDue(): Promise<void> {
    return Promise.all(this.startable().map((session) => session.refreshIfDue())).then(() => undefined);
  }

  /** Every session but the tenant-scoped ones while their tenant id is unknown or does not fit them. */
  private startable(): RoleSession[] {
    const tenant = this.options.tenant;
    const state = tenant?.current();
    return [...this.sessions.entries()]
      .filter(([name]) => {
        if (tenant === undefined || state === undefined || !tenant.roles.has(name)) return true;
        const role = this.options.config.roles.get(name);
        return state.known && role !== undefined && tenant.resolve(role.parameters, state.tenantId).ok;
      })
      .map(([, session]) => session);
  }

  /** The role with the tenant id put in; throws for a tenant-scoped role with no usable id. */
  private withTenant(role: RoleConfig): RoleConfig {
    const tenant = this.options.tenant;
    if (tenant === undefined || !tenant.roles.has(role.name)) return role;
    const state = tenant.current();
    if (!state.known) throw new Error(state.failure.message);
    const resolved = tenant.resolve(role.parameters, state.tenantId);
    if (!resolved.ok) throw new Error(resolved.message);
    return { ...role, parameters: resolved.parameters };
  }

  /** Like refreshDue, but gives up waiting after `ms`: the attempts go on in the background. */
  async refreshDueWithin(ms: number): Promise<boolean> {
    let cancel: (() => void) | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      cancel = this.options.clock.schedule(() => resolve(false), ms);
    });
    const settled = await Promise.race([this.refreshDue().then(() => true), timedOut]);
    cancel?.();
    return settled;
  }

  /**
   * Resolves true once no role is pending any more (each has credentials or failed for good), false
   * when `ms` pass first. The sessions' own timers retry meanwhile; this only watches.
   */
  async untilSettled(ms: number): Promise<boolean> {
    const { clock } = this.options;
    const deadline = clock.now() + ms;
    for (;;) {
      const pending = this.startable().filter((session) => session.state() === "pending");
      if (pending.length === 0) return true;
      const left = deadline - clock.now();
      if (left <= 0) return false;
      let cancel: (() => void) | undefined;
      const timedOut = new Promise<void>((resolve) => {
        cancel = clock.schedule(resolve, left);
      });
      await Promise.race([...pending.map((session) => session.attemptSettled()), timedOut]);
      cancel?.();
    }
  }

  stop(): void {
    for (const session of this.sessions.values()) session.stop();
  }

  /** A chained role's source session; never "no source" for a role that names one. */
  private sourceOf(role: RoleConfig): (() => Promise<RoleCredentials>) | undefined {
    if (role.source === undefined) return undefined;
    const source = this.sessions.get(role.source);
    if (source === undefined) {
      throw new Error(
        `role ${role.name}: source ${JSON.stringify(role.source)} names no configured role (it would be assumed with the base credentials)`,
      );
    }
    return () => source.credentialsForChain();
  }

  /**
   * Resolves once the STS client is loaded (or failed to load), which is when the first AssumeRole
   * calls go out: start-up loads fastify after this, while those calls are on the network.
   */
  assumerLoaded(): Promise<void> {
    return this.resolveAssume().then(
      () => undefined,
      () => undefined,
    );
  }

  /** A failed load (EMFILE in a burst, say) is tried again by the next attempt, not kept for good. */
  private resolveAssume(): Promise<AssumeFunction> {
    this.assumeFunction ??= this.options.loadAssume().catch((error: unknown) => {
      this.assumeFunction = undefined;
      throw error;
    });
    return this.assumeFunction;
  }
}
