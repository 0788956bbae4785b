package checks

import (
	"fmt"
	"io"
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

const docsIntro = `# rulecheck lint

<!-- Generated from the checks in internal/lint/checks by
     "go test ./internal/lint/checks -run TestDocs -update". Do not edit. -->

` + "`rulecheck lint`" + ` checks Prometheus rule files, PrometheusRule resources and the
PromQL of Grafana dashboards, offline: nothing is queried, nothing needs to
run. It finds what ` + "`promtool check rules`" + ` cannot: rules that can never
fire or never resolve, templates that render empty, metrics that nothing
exports, labels that do not exist, PrometheusRules the operator would never
load.

    rulecheck lint [flags] [FILE or DIR ...]      # default: rules/
    rulecheck lint rules/ dashboards/ deploy/
    rulecheck lint --list                         # every check with its doc

## What is linted

- **Rule files** (a top-level ` + "`groups`" + ` key) and **PrometheusRule** resources
  (one or more documents, or a List; other Kubernetes objects in the same
  file are skipped). Positions point into the file you wrote, inside the
  expression where PromQL gives a position, also for ` + "`|`" + ` and ` + "`>`" + ` block
  scalars and quoted strings. Each PrometheusRule is one rule file, as the
  operator writes it: group names must differ within a resource, not
  across the resources of a file, and checks that compare rules loaded
  together (syntax/duplicate-alert) treat each resource as its own file.
- **Grafana dashboards** (` + "`*.json`" + ` with ` + "`panels`" + ` or ` + "`dashboard`" + `): the ` + "`expr`" + ` and
  ` + "`legendFormat`" + ` of every panel target. Grafana variables are replaced so the
  query parses (` + "`$__rate_interval`" + ` and variables in ranges by ` + "`5m`" + `).
- **Prometheus** resources of the operator (` + "`kind: Prometheus`" + `), among the
  files or given with ` + "`--prometheus`" + ` or in the configuration, to check that
  every PrometheusRule is selected.

A directory is searched for ` + "`*.yaml`" + `, ` + "`*.yml`" + ` and ` + "`*.json`" + `; files that are none of
these (a metric catalog, a test file, a ServiceMonitor) are skipped. A file
named on the command line that is none of these is an error.

## The metric catalog

Most checks compare expressions with a catalog of the metrics the system
exports: name, type, labels, and the scrape job (and its interval) that
exports each: the one ` + "`.rulecheck.yaml`" + ` (` + "`catalog:`" + `) or ` + "`--catalog`" + `
names; ` + "`rulecheck catalog`" + ` builds one from Go source or a ` + "`/metrics`" + `
page. See [catalog.md](catalog.md). Without a catalog the checks marked
"needs a catalog" are skipped.

## Configuration: .rulecheck.yaml

Found from each linted path's own directory upward to the repository root
(a directory holding ` + "`.git`" + `), as golangci-lint, eslint and .editorconfig find
theirs; the working directory plays no part. ` + "`rulecheck test`" + ` and the Go
API find it the same way for each test file. ` + "`--config FILE`" + ` names one.
Relative paths in it are relative to the file; absolute ones are taken as
they are. Every key is optional. Without a file, only what is wrong for
everybody is reported: required labels, allowed severities and required
annotations are house rules, which this repository's own ` + "`.rulecheck.yaml`" + `
sets as an example.

` + "```yaml" + `
catalog: rules/metrics.yaml        # the metric catalog
prometheus: [deploy/prometheus.yaml]  # Prometheus resources for operator/rule-not-selected
rules: [rules/]                    # rule files and folders rulecheck test --coverage reports on (docs/coverage.md)
evaluation_interval: 1m            # for groups without interval, when no Prometheus resource is given
alerts:
  required_labels: [severity, team]
  severity_label: severity
  severities: [critical, warning, info]
  required_annotations: [summary, description]
  critical_severities: [critical]
  critical_annotations: [runbook_url]
  url_annotations: [runbook_url]   # must be absolute http(s) URLs
recording_rules:
  name_pattern: "[a-z_]+:[a-z0-9_]+:[a-z0-9_]+"  # level:metric:operations; unset: record/name is off
namespace_labels:                  # labels of namespaces, for ruleNamespaceSelector
  apps: {monitoring: enabled}
rule_file_sets:                    # rule files one Prometheus loads (its rule_files globs), for syntax/duplicate-alert across files
- name: production
  rule_files: [rules/*.yaml, alerts/*.yml]
checks:                            # per-check severity: error, warning, info or off
  alert/missing-for: off
  promql/histogram-quantile-per-series: warning
` + "```" + `

## Suppressing a finding

On a rule, on the line above it (or in the comment lines directly above it)
or on its ` + "`alert:`" + ` or ` + "`record:`" + ` line:

` + "```yaml" + `
  # rulecheck:ignore alert/missing-for errors are rare; one is worth a page at once
  - alert: WorkflowExecutionFailed
` + "```" + `

For a whole file, anywhere in it:

` + "```yaml" + `
# rulecheck:ignore-file catalog/assumed-metric the metrics land in release 1.4
` + "```" + `

The reason is required: an ignore without one is itself a finding
(` + "`lint/ignore`" + `), and so is an ignore that suppresses nothing
(` + "`lint/unused-ignore`" + `).

## Output and exit status

` + "`--format`" + ` is ` + "`text`" + ` (the default: ` + "`file:line:col: severity check-id: message`" + `,
grouped by file, coloured on a terminal unless ` + "`NO_COLOR`" + ` is set), ` + "`json`" + `,
` + "`junit`" + `, ` + "`github`" + ` (workflow commands, annotations on pull requests), ` + "`sarif`" + `
(SARIF 2.1.0, for code scanning) or ` + "`checkstyle`" + `. ` + "`-o FILE`" + ` writes the report to
a file. Findings are ordered by file, line, column and check.

The exit status is 0 when no finding is at or above ` + "`--fail-on`" + ` (` + "`error`" + `,
the default, ` + "`warning`" + ` or ` + "`info`" + `), 1 when one is, and 2 on bad usage or
unreadable input. A YAML, rulefmt or PromQL error in a rule file is a
finding (` + "`syntax/...`" + `), not bad input; YAML refused for a limit (larger
than 32 MiB, nested more than 200 levels, more than 2,000,000 nodes,
aliases expanding beyond 5,000,000 nodes) is unreadable input, at its line.

## Checks

`

// WriteDocs writes docs/lint.md: the introduction, a table of the checks
// and each check's documentation and example.
func WriteDocs(w io.Writer) error {
	var b strings.Builder
	b.WriteString(docsIntro)
	b.WriteString("| Check | Severity | Needs a catalog | Finds |\n|---|---|---|---|\n")
	for _, c := range All() {
		cat := ""
		if c.NeedsCatalog {
			cat = "yes"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", c.ID, anchor(c.ID), c.Severity, cat, strings.ReplaceAll(c.Summary(), "|", "\\|"))
	}
	for _, c := range All() {
		fmt.Fprintf(&b, "\n### %s\n\n", c.ID)
		fmt.Fprintf(&b, "Severity: **%s**", c.Severity)
		if c.NeedsCatalog {
			b.WriteString(" · needs a catalog")
		}
		b.WriteString("\n\n")
		b.WriteString(strings.Join(lint.WrapText(c.Doc, 78), "\n"))
		b.WriteString("\n")
		if c.Example != "" {
			lang := "yaml"
			if strings.HasPrefix(strings.TrimSpace(c.Example), "{") {
				lang = "json"
			}
			fmt.Fprintf(&b, "\nExample:\n\n```%s\n%s\n```\n", lang, strings.TrimRight(c.Example, "\n"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func anchor(id string) string {
	return strings.NewReplacer("/", "", " ", "-").Replace(strings.ToLower(id))
}
