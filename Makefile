# rulecheck developer tasks. "make check" is the pre-merge gate.
GO        ?= go
FUZZTIME  ?= 60s
PROMTOOL  ?= promtool
DIR       ?= .

.PHONY: all build test vet race check bench fuzz compat bench-vs-promtool clean pictures

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

clean:
	rm -f rulecheck
