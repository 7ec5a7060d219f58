import schema from "../../../config.schema.json" with { type: "json" };
import { ENVIRONMENT_VARIABLES } from "../../src/startup/env.js";

/**
 * The docs' reference tables, rendered from their single sources (env.ts, config.schema.json). Each
 * sits between `<!-- name:start -->` and `<!-- name:end -->` on one page (docs/configuration.md today).
 * A test fails when the page differs; `UPDATE_DOCS=1 make unit` rewrites it.
 */
export const TABLES = {
  env: () => renderEnvironmentTable(),
  config: () => renderConfigTable(),
} as const;

export function renderEnvironmentTable(): string {
  const rows = ENVIRONMENT_VARIABLES.map(
    (v) => `| \`${v.name}\` | ${v.readBy} | ${v.default ?? ""} | ${v.description} |`,
  );
  return ["| Variable | Read by | Default | Meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

interface PropertySchema {
  description?: string;
  type?: string;
  minimum?: number;
  maximum?: number;
  oneOf?: unknown[];
}

export function renderConfigTable(): string {
  const top = schema.properties as Record<string, PropertySchema>;
  const role = schema.$defs.role.properties as Record<string, PropertySchema>;
  const required = new Set<string>(schema.$defs.role.required);
  const rows = [
    ...Object.entries(top)
      .filter(([key]) => key !== "$schema")
      .map(([key, p]) => `| \`${key}\` | top level | ${typeOf(p)} | ${p.description ?? ""} |`),
    ...Object.entries(role).map(
      ([key, p]) =>
        `| \`${key}\` | role${required.has(key) ? ", required" : ""} | ${typeOf(p)} | ${p.description ?? ""} |`,
    ),
  ];
  return ["| Key | Where | Type | Meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function typeOf(p: PropertySchema): string {
  if (p.oneOf !== undefined) return "see meaning";
  const range = p.minimum !== undefined && p.maximum !== undefined ? ` ${p.minimum}–${p.maximum}` : "";
  return `${p.type ?? ""}${range}`;
}

/** Whether the text holds the table's start marker. */
export function holdsTable(text: string, name: string): boolean {
  return text.includes(`<!-- ${name}:start -->`);
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`no ${start} … ${end} block`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
