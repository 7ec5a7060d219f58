// Types for publishPlan.mjs, so the TypeScript tests can import it.
export const DIRECT_UPLOAD_LIMIT: number;
export const USAGE: string;
export class UsageError extends Error {}
export interface PublishOptions {
  help: boolean;
  regions: string[];
  variants: string[];
  layerName: string;
  public: boolean;
  buckets: Record<string, string>;
  dir?: string;
  summary?: string;
  dryRun: boolean;
}
export interface PublishJob {
  region: string;
  variant: string;
  layerName: string;
  file: string;
  size: number;
  sha256: string;
  upload?: { bucket: string; key: string };
  description: string;
  license: string;
  architectures: string[];
  runtimes: string[];
}
export function parseOptions(argv: string[]): PublishOptions;
export function planJobs(
  options: PublishOptions,
  release: {
    version: string;
    license: string;
    zips: Record<string, { file: string; size: number; sha256: string }>;
  },
): PublishJob[];
export function publishedLine(result: {
  region: string;
  variant: string;
  arn: string;
  public: boolean;
}): string;
export function plannedLine(job: PublishJob): string;
export function redact(text: string, secrets: (string | undefined)[]): string;
