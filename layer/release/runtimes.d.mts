// Types for runtimes.mjs, so the TypeScript tests can import it.
import type { Variant } from "./artifacts.mjs";
export const PUBLISHED: Record<Variant, { architectures: string[]; runtimes: string[] }>;
