export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}
export declare const validate: SchemaValidateFunction;
export default validate;
/** The keys config.schema.json allows at the top level and in a role (for "did you mean" hints). */
export declare const schemaKeys: { readonly top: readonly string[]; readonly role: readonly string[] };
