import schema from "../../../config.schema.json" with { type: "json" };

const roleKeys = Object.keys(schema.$defs.role.properties);

/** The keys the schema allows for the object at a JSON pointer, for "did you mean" hints. */
export function allowedKeysAt(pointer: string): string[] {
  const depth = pointer === "" ? 0 : pointer.split("/").length - 1;
  if (depth === 0) return Object.keys(schema.properties).filter((key) => key !== "$schema");
  if (depth === 2 && pointer.startsWith("/roles/")) return roleKeys;
  if (/\/PolicyArns\/\d+$/.test(pointer)) return ["arn"];
  if (/\/Tags\/\d+$/.test(pointer)) return ["Key", "Value"];
  return [];
}
