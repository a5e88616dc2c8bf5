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

lint: deps ## formatter, linter, type check (Biome + tsc), layer rules, schema.json and docs/layers.dot up to date
	@$(ENV) npx biome ci . && npx tsc -p tsconfig.json --noEmit && $(DEPCRUISE) && \
	  npx ts-node --transpile-only scripts/gen-schema.ts --check && \
	  { $(DEPCRUISE_DOT) | diff -q - docs/layers.dot >/dev/null || \
	    { echo "docs/layers.dot is stale: run make layers-graph" >&2; exit 1; }; }

# The layer rules (.dependency-cruiser.cjs; the table is in docs/architecture.md). Known violations in
# folders other branches are rewriting are listed in .dependency-cruiser-known-violations.json.
LAYER_SRC := provider/src sdk/src
DEPCRUISE := npx depcruise $(LAYER_SRC) --config .dependency-cruiser.cjs \
  --ignore-known .dependency-cruiser-known-violations.json --output-type err
DEPCRUISE_DOT := npx depcruise $(LAYER_SRC) --config .dependency-cruiser.cjs --output-type dot

layers: deps ## check the import rules between layers (dependency-cruiser); fails on a violation
	@$(ENV) $(DEPCRUISE)

layers-graph: deps ## redraw docs/layers.svg, the folder-level dependency graph (needs Graphviz's dot)
	@$(ENV) $(DEPCRUISE_DOT) > docs/layers.dot && dot -Tsvg docs/layers.dot -o docs/layers.svg

layers-baseline: deps ## drop fixed violations from the known-violations baseline (never adds any)
	@$(ENV) npx depcruise $(LAYER_SRC) --config .dependency-cruiser.cjs \
	  --baseline .dependency-cruiser-known-violations.json --baseline-mode shrink-only && npx biome format --write .dependency-cruiser-known-violations.json

schema: deps ## regenerate schema.json and docs/api.md from the zod schemas
	@$(ENV) npx ts-node --transpile-only scripts/gen-schema.ts

format: deps ## rewrite files with the formatter
	@$(ENV) npx biome check --write .

test-unit: deps ## fast unit tests (no lab)
	@$(ENV) npx mocha --config .mocharc.unit.json

test: lab ## the whole suite: unit tests, then tests against the live lab
	@$(ENV) npx mocha --config .mocharc.json

test-file: deps ## one test file against the lab: make test-file F=test/lab/ssh.test.ts
	@$(ENV) npx mocha --no-config -r ts-node/register/transpile-only -r test/support/lab-env.ts \
	  --extension ts --timeout 180000 --exit --reporter test/support/count-reporter.js $(F)

demo: lab ## bring the lab up and `pulumi up` examples/quickstart, printing its outputs
	@bash examples/run.sh quickstart up

cli: deps ## the pod CLI against the lab: make cli ARGS="health" (credentials from lab.env)
	@$(ENV) set -a && source "$$POD_LAB_STATE/lab.env" && set +a && \
	  POD_VSPHERE_PASSWORD="$${POD_VSPHERE_PASSWORD:-$$POD_VCSIM_PASSWORD}" \
	  npx ts-node --transpile-only provider/src/cli/main.ts $(ARGS)

bench: lab ## benchmarks, printed as a table
	@bash lab/lab.sh bench-tools
	@$(ENV) npx ts-node --transpile-only bench/run.ts

.PHONY: help lab lab-status lab-down deps lint layers layers-graph layers-baseline schema format test-unit test test-file cli demo bench
