package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// DuplicateGroup reports group names repeated in one rule file: a plain
// file, or one PrometheusRule resource.
var DuplicateGroup = loadErrorCheck("syntax/duplicate-group", lint.CatDuplicateGroup, `
Two rule groups in one rule file, or in one PrometheusRule resource, have
the same name. Prometheus identifies a group by its file and name and
refuses a file with a repeated name. The operator writes each
PrometheusRule to a rule file of its own, so a name repeated in one
resource is rejected the same way, while two resources of one file (the
documents of a bundle, or a List) may each have a group of one name:
Prometheus loads both.`, `groups:
- name: example
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
- name: example
  rules:
  - record: job:up:count
    expr: count by (job) (up)`)
