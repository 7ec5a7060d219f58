# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Every target installs what it needs first.
SHELL := /bin/sh
NPM ?= npm

.PHONY: install build layer container cdk release python-deps test unit lint format demo bench clean

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

# The CDK construct as the package's `credentials-sidecar/cdk` entry (dist/cdk/): bundle and types.
cdk: install
	node layer/cdk/build.mjs

# Versioned zips, the npm packages (npm pack), SHA256SUMS and the container image (context; OCI
# archive where buildah runs) in dist/release/. Publish the layer with `node layer/release/publish.mjs
# --regions ...`, the npm packages with `node layer/release/npmPublish.mjs` (the release workflow does both).
# RELEASE_FLAGS: more options for layer/release/build.mjs (the workflow gives --repository).
release: layer cdk
	node layer/release/build.mjs $(RELEASE_FLAGS)

# Python test dependencies (extension/test/requirements.txt): from PATH when moto_server is there,
# else installed once into .venv/, which the tests then find first on PATH.
VENV := $(CURDIR)/.venv
python-deps:
	@if ! command -v moto_server >/dev/null 2>&1 && [ ! -x "$(VENV)/bin/moto_server" ]; then \
	  echo "moto_server not found: installing extension/test/requirements.txt into .venv/"; \
	  python3 -m venv "$(VENV)" && "$(VENV)/bin/pip" install --quiet -r extension/test/requirements.txt; \
	fi
# The build context of the extension's container image (layer/container/Dockerfile): each layer zip
# unzipped into dist/container/amd64 and dist/container/arm64.
container: layer
	node layer/container/context.mjs

# Unit tests, then the bundled extension and the built layer end to end (moto + real SDKs).
test: layer cdk python-deps
	PATH="$$([ -x "$(VENV)/bin/moto_server" ] && echo "$(VENV)/bin:")$$PATH" \
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

# Start-up and the 128 MB function are timed by a Python timer (bench/lambda_timer.py, with boto3);
# memory runs in a v1 memory cgroup, so as root. About 6 minutes on 2 vCPUs, bounded.
bench: layer python-deps
	PATH="$$([ -x "$(VENV)/bin/moto_server" ] && echo "$(VENV)/bin:")$$PATH" node bench/run.mjs

# What the targets above create: dist/ (build, layer, cdk, container, release, the node tarball cache)
# and .venv/ (python-deps).
clean:
	rm -rf dist .venv
