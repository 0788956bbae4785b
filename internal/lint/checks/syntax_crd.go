package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// SyntaxCRD reports broken PrometheusRule envelopes.
var SyntaxCRD = loadErrorCheck("syntax/crd", lint.CatCRD, `
A PrometheusRule resource is malformed: apiVersion is not
monitoring.coreos.com/v1, kind is not PrometheusRule, metadata.name is
missing, spec or spec.groups is missing or empty, or a field is unknown to
the operator's types. The API server rejects such a resource (or, for an
empty spec.groups, the operator loads nothing from it), so its rules never
reach Prometheus.`, `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  labels: {app: example}
spec:
  groups: []`)
