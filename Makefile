# rulecheck developer tasks. "make check" is the pre-merge gate.
GO        ?= go
FUZZTIME  ?= 60s
PROMTOOL  ?= promtool
DIR       ?= .

.PHONY: all build test vet race check bench fuzz compat bench-vs-promtool clean

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

# The pre-merge gate: static checks, every test (fixtures included) and the
# CLI run over fixtures/.
check: vet test
	$(GO) run ./cmd/rulecheck test

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Compare rulecheck's verdicts with promtool's on every test file in DIR.
compat:
	$(GO) run ./cmd/rulecheck compat --promtool $(PROMTOOL) $(DIR)

clean:
	rm -f rulecheck
