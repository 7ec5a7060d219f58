// Compiles config.schema.json into a standalone validator (no Ajv at run time: smaller bundle, faster start).
// `--check` exits 1 when the committed file is stale, so a schema edit cannot ship without it.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const schemaPath = `${root}config.schema.json`;
const outPath = `${root}extension/src/config/schemaValidator.generated.js`;

export function generateValidatorSource() {
  // Descriptions are for editors and the README; the validator needs none of them.
  const schema = JSON.parse(readFileSync(schemaPath, "utf8"), (key, value) =>
    key === "description" || key === "title" ? undefined : value,
  );
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    code: { source: true, esm: true, lines: true },
  });
  const validate = ajv.compile(schema);
  const code = standaloneCode(ajv, validate);
  // The keys the schema allows, for "did you mean" hints (schemaKeys.ts): the extension's bundle then
  // needs none of the schema itself.
  const keys = {
    top: Object.keys(schema.properties).filter((key) => key !== "$schema"),
    role: Object.keys(schema.$defs.role.properties),
  };
  return `// Generated from config.schema.json by extension/scripts/generate-validator.mjs. Do not edit.\n${code}\nexport const schemaKeys = ${JSON.stringify(keys)};\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = generateValidatorSource();
  if (process.argv.includes("--check")) {
    const current = readFileSync(outPath, "utf8");
    if (current !== source) {
      console.error(`${outPath} is stale: run \`node extension/scripts/generate-validator.mjs\``);
      process.exit(1);
    }
  } else {
    writeFileSync(outPath, source);
  }
}
