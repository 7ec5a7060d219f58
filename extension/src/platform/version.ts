// The version lives in package.json only: esbuild inlines it into the bundle, and the release
// tooling (release/) names every artifact and layer description after the same field.
import pkg from "../../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
