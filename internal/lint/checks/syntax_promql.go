package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// SyntaxPromQL reports expressions that do not parse.
var SyntaxPromQL = loadErrorCheck("syntax/promql", lint.CatPromQL, `
An expression is not valid PromQL. In a rule file Prometheus refuses to load
the file; in a dashboard the panel shows an error. The finding points at the
place inside the expression where the parser gave up.`, `groups:
- name: example
  rules:
  - alert: Broken
    expr: sum(rate(http_requests_total[5m]) > 1`)
