package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// SyntaxYAML reports files that are not valid YAML.
var SyntaxYAML = loadErrorCheck("syntax/yaml", lint.CatYAML, `
The file is not valid YAML, or a value has the wrong YAML type (a string
where rulefmt expects a mapping, a list where it expects a string).
Prometheus refuses to load the whole file, and the operator refuses the
whole PrometheusRule: none of its rules run until it is fixed. Nothing else
is checked in such a file.`, `groups:
- name: example
  rules:
  - alert: Broken
    expr: up == 0
     for: 5m`)
