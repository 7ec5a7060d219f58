#!/usr/bin/env node
// The credentials-sidecar command line (dist/cli.mjs): `demo`, `local`, `validate`, `serve`.
import { runCli } from "./cli/dispatch.js";
import { processIo } from "./cli/io.js";

process.exitCode = await runCli(process.argv.slice(2), processIo);
// Every command closes what it opened; should a stray handle remain, it must not keep the CLI alive.
setTimeout(() => process.exit(), 1000).unref();
