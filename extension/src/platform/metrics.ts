/**
 * Optional CloudWatch Embedded Metric Format lines (CREDENTIALS_SIDECAR_METRICS=emf): Lambda turns
 * them into metrics without an API call. Assumptions are rare and written at once; requests are
 * counted and written on flush (every INVOKE and at shutdown), so the hot path only adds to a number.
 */

import { writeStdout } from "./stdout.js";
export interface Metrics {
  assumed(role: string, durationMs: number): void;
  assumeFailed(role: string, code: string, retryable: boolean): void;
  served(role: string, ok: boolean): void;
  flush(): void;
}

export const NAMESPACE = "CredentialsSidecar";

export const noMetrics: Metrics = {
  assumed: () => undefined,
  assumeFailed: () => undefined,
  served: () => undefined,
  flush: () => undefined,
};

type Unit = "Count" | "Milliseconds";

export function createEmfMetrics(
  write: (line: string) => void = writeStdout,
  now: () => number = Date.now,
): Metrics {
  const counts = new Map<string, { served: number; failed: number }>();
  const emit = (dimensions: Record<string, string>, values: Record<string, [number, Unit]>) => {
    const record: Record<string, unknown> = {
      _aws: {
        Timestamp: now(),
        CloudWatchMetrics: [
          {
            Namespace: NAMESPACE,
            Dimensions: [Object.keys(dimensions)],
            Metrics: Object.entries(values).map(([Name, [, Unit]]) => ({ Name, Unit })),
          },
        ],
      },
      ...dimensions,
    };
    for (const [name, [value]] of Object.entries(values)) record[name] = value;
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    assumed: (role, durationMs) =>
      emit({ Role: role }, { AssumeRole: [1, "Count"], AssumeRoleDuration: [durationMs, "Milliseconds"] }),
    assumeFailed: (role, code, retryable) =>
      emit(
        { Role: role, ErrorCode: code },
        {
          AssumeRoleFailed: [1, "Count"],
          ...(retryable ? {} : { AssumeRolePermanentFailure: [1, "Count"] }),
        },
      ),
    served: (role, ok) => {
      const entry = counts.get(role) ?? { served: 0, failed: 0 };
      if (ok) entry.served++;
      else entry.failed++;
      counts.set(role, entry);
    },
    flush: () => {
      for (const [role, entry] of counts) {
        emit(
          { Role: role },
          { CredentialsServed: [entry.served, "Count"], CredentialsRefused: [entry.failed, "Count"] },
        );
      }
      counts.clear();
    },
  };
}
