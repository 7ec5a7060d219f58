import { schemaKeys } from "./schemaValidator.generated.js";

/** The keys the schema allows for the object at a JSON pointer, for "did you mean" hints. */
export function allowedKeysAt(pointer: string): string[] {
  const depth = pointer === "" ? 0 : pointer.split("/").length - 1;
  if (depth === 0) return [...schemaKeys.top];
  if (depth === 2 && pointer.startsWith("/roles/")) return [...schemaKeys.role];
  if (/\/PolicyArns\/\d+$/.test(pointer)) return ["arn"];
  if (/\/Tags\/\d+$/.test(pointer)) return ["Key", "Value"];
  return [];
}
