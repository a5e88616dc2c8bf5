# pod: `make help` lists the targets. Every target sources lab/env.sh, so it
# uses the lab's Node 22, Go caches and Pulumi settings.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
ENV := source lab/env.sh &&

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-12s %s\n", $$1, $$2 }'

lab: ## install, build (cached) and start the lab: Docker, guest images, vcsim, Pulumi CLI
	@bash lab/lab.sh up

lab-status: ## one line per lab component: name, version, endpoint, up/down
	@bash lab/lab.sh status

lab-down: ## stop what the lab started and remove the containers it created
	@bash lab/lab.sh down

deps: ## install the npm dependencies (Node 22 from the lab)
	@bash lab/lab.sh up-deps

lint: deps ## formatter, linter, type check (Biome + tsc), layer rules, generated files (schema.json, docs/api.md, SDK, vim25, docs/layers.dot) up to date, schema.json vs Pulumi's metaschema and the zod schemas
	@$(ENV) npx biome ci . && npx tsc -p tsconfig.json --noEmit && $(DEPCRUISE) && \
	  npx ts-node --transpile-only scripts/gen-schema.ts --check && \
	  npx ts-node --transpile-only scripts/gen-schema-check.ts && \
	  npx ts-node --transpile-only scripts/gen-sdk.ts --check && \
	  npx ts-node --transpile-only scripts/gen-vim25.ts --check && \
	  bash scripts/gen-plugin-sdk.sh --check && \
	  { $(DEPCRUISE_DOT) | diff -q - docs/layers.dot >/dev/null || \
	    { echo "docs/layers.dot is stale: run make layers-graph" >&2; exit 1; }; }

# The layer rules (.dependency-cruiser.cjs; the table is in docs/architecture.md).
LAYER_SRC := provider/src sdk/src
DEPCRUISE := npx depcruise $(LAYER_SRC) --config .dependency-cruiser.cjs --output-type err
DEPCRUISE_DOT := npx depcruise $(LAYER_SRC) --config .dependency-cruiser.cjs --output-type dot

layers: deps ## check the import rules between layers (dependency-cruiser); fails on a violation
	@$(ENV) $(DEPCRUISE)

layers-graph: deps ## redraw docs/layers.svg, the folder-level dependency graph (needs Graphviz's dot)
	@$(ENV) $(DEPCRUISE_DOT) > docs/layers.dot && dot -Tsvg docs/layers.dot -o docs/layers.svg

schema: deps ## regenerate schema.json, docs/api.md and the SDK classes (sdk/src/generated) from the zod schemas
	@$(ENV) npx ts-node --transpile-only scripts/gen-schema.ts && \
	  npx ts-node --transpile-only scripts/gen-sdk.ts

pack: deps ## build and pack the npm tarballs into out/: @pod-lab/provider and @pod-lab/pod
	@$(ENV) bash scripts/pack.sh

plugin: deps ## build the provider plugin tarball out/pulumi-resource-pod-v<version>-linux-amd64.tar.gz (esbuild bundle)
	@$(ENV) bash scripts/build-plugin.sh

plugin-install: plugin ## install the plugin into the lab's PULUMI_HOME (pulumi plugin install resource pod <version> -f <tarball>)
	@$(ENV) v=$$(node -p 'require("./package.json").version') && \
	  pulumi plugin install resource pod "$$v" -f "out/pulumi-resource-pod-v$$v-linux-amd64.tar.gz" --reinstall

plugin-sdk: deps ## regenerate the plugin's SDKs (sdk/plugin/{nodejs,python,go}) from schema.json with Pulumi's codegen
	@$(ENV) bash scripts/gen-plugin-sdk.sh

sdk-proofs: deps ## prove the plugin's Python and Go SDKs: venv install + import, go vet/build, a program on Pulumi's mocks (not end to end)
	@$(ENV) bash scripts/gen-schema-sdk-proofs.sh

vim25: deps ## regenerate provider/src/vsphere/soap/generated/ from govmomi's vim25 schema (needs Go)
	@$(ENV) npx ts-node --transpile-only scripts/gen-vim25.ts

format: deps ## rewrite files with the formatter
	@$(ENV) npx biome check --write .

build: deps ## compile the provider and the SDK (the SDK loads the provider's compiled package, as users do)
	@$(ENV) npx tsc -b provider sdk

test-unit: build ## fast unit tests (no lab)
	@$(ENV) npx mocha --config .mocharc.unit.json

test: lab build ## the whole suite: unit tests, then tests against the live lab
	@$(ENV) npx mocha --config .mocharc.json

test-file: build ## one test file against the lab: make test-file F=test/lab/ssh.test.ts
	@$(ENV) npx mocha --no-config -r ts-node/register/transpile-only -r test/support/lab-env.ts \
	  --extension ts --timeout 180000 --exit --forbid-only --reporter test/support/count-reporter.js $(F)

demo: lab ## bring the lab up and `pulumi up` examples/quickstart, printing its outputs
	@bash examples/run.sh quickstart up

cli: deps ## the pod CLI against the lab: make cli ARGS="health" (credentials from lab.env)
	@$(ENV) set -a && source "$$POD_LAB_STATE/lab.env" && set +a && \
	  POD_VSPHERE_PASSWORD="$${POD_VSPHERE_PASSWORD:-$$POD_VCSIM_PASSWORD}" \
	  npx ts-node --transpile-only provider/src/cli/main.ts $(ARGS)

bench: lab build ## benchmarks, printed as one table (bench/run.ts lists its BENCH_* knobs); plot in bench/out/
	@bash lab/lab.sh bench-tools
	@$(ENV) npx ts-node --transpile-only bench/run.ts

.PHONY: help lab lab-status lab-down deps build lint sdk-proofs plugin plugin-install plugin-sdk layers layers-graph schema pack vim25 format test-unit test test-file cli demo bench
