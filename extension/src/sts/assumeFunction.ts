import type { RoleConfig } from "../config/types.js";
import type { IssuedCredentials, RoleCredentials } from "./credentials.js";

/** One AssumeRole call, as both STS clients (directStsAssumer.ts, sdkStsAssumer.ts) make it. */
export type AssumeFunction = (
  role: RoleConfig,
  sessionName: string,
  source: (() => Promise<RoleCredentials>) | undefined,
  /** Sent as SourceIdentity when the role generates one; its own literal one is in `role.parameters`. */
  generatedSourceIdentity?: string,
) => Promise<IssuedCredentials>;
