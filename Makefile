# rulecheck developer tasks. "make check" is the pre-merge gate.
GO        ?= go
FUZZTIME  ?= 60s
PROMTOOL  ?= promtool
DIR       ?= .

.PHONY: all build test vet race check bench fuzz compat bench-vs-promtool clean pictures backtest-demo

all: check

build:
	$(GO) build -o rulecheck ./cmd/rulecheck

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)

race:
	$(GO) test -race ./...

# The pre-merge gate: static checks, every test (fixtures included), the
# linter over the rules, dashboards and deployment, and the fixtures through
# the CLI (held to the metric catalog of .rulecheck.yaml), with 100% rule
# coverage of rules/ (every alert fired and silent in some fixture), and a
# mutation score of at least 93% (the survivors are explained in
# fixtures/README.md).
check: vet test
	$(GO) run ./cmd/rulecheck lint rules/ dashboards/ deploy/
	$(GO) run ./cmd/rulecheck test --coverage --min-coverage 100
	$(GO) run ./cmd/rulecheck mutate --min-score 93

# docs/pictures.md: a terminal chart from the fixtures and a screenshot of
# the HTML report in headless Chromium (needs chromium installed).
pictures:
	GO=$(GO) docs/pictures.sh

# Every benchmark, coverage's overhead included (coverage:
# BenchmarkSuiteCoverage, the generated suite without and with coverage).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Run every fuzz target for FUZZTIME each (see .ci/fuzz).
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) .ci/fuzz

# Compare rulecheck's verdicts with promtool's on every test file in DIR.
compat:
	$(GO) run ./cmd/rulecheck compat --promtool $(PROMTOOL) $(DIR)

# Run the generated suite through promtool and rulecheck alternately; check
# the verdicts are identical; print median wall, CPU, peak RSS and ratios.
SCALE  ?= 1
ROUNDS ?= 5
bench-vs-promtool:
	mkdir -p .cache && $(GO) build -o .cache/rulecheck ./cmd/rulecheck
	$(GO) run ./internal/benchgen/vspromtool -promtool $(PROMTOOL) -rulecheck .cache/rulecheck -scale $(SCALE) -rounds $(ROUNDS)

# docs/backtest.md: write a week of generated CodeValdCortex metrics with
# planted incidents (internal/demodata) as a Prometheus data directory, run
# the backtest of rules/ over it, then again with the seed's original rules
# as the baseline: what fixing the seed changed (also as the HTML page
# .cache/backtest.html).
DEMO_TSDB ?= .cache/demo-tsdb
DEMO_FROM ?= 2026-11-02T00:00:00Z
DEMO_TO   ?= 2026-11-09T00:00:00Z
SEED_RULES = internal/lint/testdata/seed/pweza-core-alerts.yaml
backtest-demo:
	mkdir -p .cache && $(GO) build -o .cache/rulecheck ./cmd/rulecheck
	rm -rf $(DEMO_TSDB)
	$(GO) run ./internal/demodata/demotsdb -out $(DEMO_TSDB)
	.cache/rulecheck backtest --from $(DEMO_FROM) --to $(DEMO_TO) --tsdb $(DEMO_TSDB) rules/
	.cache/rulecheck backtest --from $(DEMO_FROM) --to $(DEMO_TO) --tsdb $(DEMO_TSDB) --baseline $(SEED_RULES) rules/
	.cache/rulecheck backtest --from $(DEMO_FROM) --to $(DEMO_TO) --tsdb $(DEMO_TSDB) --baseline $(SEED_RULES) --format html --report .cache/backtest.html rules/

clean:
	rm -f rulecheck
