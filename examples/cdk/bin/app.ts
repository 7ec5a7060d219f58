#!/usr/bin/env node
// `npx cdk synth` (cdk.json runs this with tsx); needs dist/layer-x86_64.zip: run `make layer` first.
import { buildApp } from "../lib/app.js";

buildApp().app.synth();
