package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// SyntaxTemplate reports label and annotation templates that do not parse.
var SyntaxTemplate = loadErrorCheck("syntax/template", lint.CatTemplate, `
A label or annotation of an alerting rule is not a valid Go template, or
calls a function Prometheus's template engine does not have. Prometheus
refuses to load the file.`, `groups:
- name: example
  rules:
  - alert: Broken
    expr: up == 0
    annotations:
      summary: "{{ $labels.instance "`)
