/**
 * The tenant ids in one Telemetry API batch (HTTP destination: a JSON array of `{time, type,
 * record}`). In tenant isolation mode `platform.start`, `platform.runtimeDone` and `platform.report`
 * carry `record.tenantId` (aws/aws-lambda-runtime-interface-emulator: internal/lambda/interop/
 * events_api.go, InvokeStartData / InvokeRuntimeDoneData / ReportData `json:"tenantId,omitempty"`;
 * rapid/handlers.go sends platform.start before the runtime is handed the invoke; Lambda docs,
 * tenant-isolation-monitor: "The tenantId property is included for platform events (like
 * platform.start and platform.report)"). The Extensions API's INVOKE event does not carry it.
 */
const TENANT_EVENTS = new Set(["platform.start", "platform.runtimeDone", "platform.report"]);
/** Lambda's own limit is not documented; ids far longer than any tag value could hold are noise. */
const MAX_TENANT_ID_LENGTH = 1024;

export interface TenantReport {
  readonly tenantId: string;
  readonly type: string;
}

/** Every tenant id reported in the batch, in order; undefined when the body is no batch at all. */
export function tenantReports(body: string): TenantReport[] | undefined {
  let events: unknown;
  try {
    events = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(events)) return undefined;
  const reports: TenantReport[] = [];
  for (const event of events) {
    if (event === null || typeof event !== "object") continue;
    const { type, record } = event as { type?: unknown; record?: unknown };
    if (typeof type !== "string" || !TENANT_EVENTS.has(type)) continue;
    if (record === null || typeof record !== "object") continue;
    const tenantId = (record as { tenantId?: unknown }).tenantId;
    if (typeof tenantId === "string" && tenantId.length > 0 && tenantId.length <= MAX_TENANT_ID_LENGTH)
      reports.push({ tenantId, type });
  }
  return reports;
}
