package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// DuplicateGroup reports group names repeated in one file.
var DuplicateGroup = loadErrorCheck("syntax/duplicate-group", lint.CatDuplicateGroup, `
Two rule groups in one file (or in the PrometheusRule resources of one file)
have the same name. Prometheus identifies a group by its file and name and
refuses a file with a repeated name; the operator writes all resources of a
namespace into files keyed by resource, so a repeated name in one resource
is rejected the same way.`, `groups:
- name: example
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
- name: example
  rules:
  - record: job:up:count
    expr: count by (job) (up)`)
