# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Every target installs what it needs first.
SHELL := /bin/sh
NPM ?= npm

.PHONY: install build layer container test unit lint format demo bench clean

# `npm install` against the lock file, not `npm ci`: this registry lacks some of Biome's optional
# platform packages, which `npm ci` insists on and `npm install` skips.
node_modules/.installed: package.json package-lock.json
	$(NPM) install --no-audit --no-fund --no-save
	@touch $@

install: node_modules/.installed

build: install
	node extension/build.mjs

layer: build
	node layer/build.mjs

# The build context of the extension's container image (layer/container/Dockerfile): each layer zip
# unzipped into dist/container/amd64 and dist/container/arm64.
container: layer
	node layer/container/context.mjs

# Unit tests, then the bundled extension and the built layer end to end (moto + real SDKs).
test: layer
	npx vitest run --config extension/vitest.config.ts

# Unit tests only: no build, no moto; for a quick loop while editing.
unit: install
	npx vitest run --config extension/vitest.config.ts --project unit

lint: install
	npx biome check .
	npx tsc --noEmit -p tsconfig.json

format: install
	npx biome check --write .

demo: layer
	node dist/cli.mjs demo

bench: layer
	node bench/run.mjs

clean:
	rm -rf dist coverage extension/src/config/generated
