package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// SyntaxRulefmt reports rule files that Prometheus's rulefmt rejects.
var SyntaxRulefmt = loadErrorCheck("syntax/rulefmt", lint.CatRulefmt, `
A rule group or rule breaks Prometheus's rule file format (rulefmt): a rule
with both or neither of alert and record, a missing expr, an invalid label
or annotation name, a recording rule with annotations or for, an invalid
recording rule name, an unknown field. Prometheus refuses to load the file,
as promtool check rules does.`, `groups:
- name: example
  rules:
  - record: job:up:sum
    alert: AlsoAnAlert
    expr: sum by (job) (up)`)
