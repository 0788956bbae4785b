package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// OperatorRuleNotSelected reports PrometheusRules no Prometheus loads.
var OperatorRuleNotSelected = register(&lint.Check{
	ID:       "operator/rule-not-selected",
	Severity: lint.Error,
	Doc: `A PrometheusRule would not be loaded by any of the Prometheus resources
given (found among the linted files, or with --prometheus, or listed under
prometheus: in .rulecheck.yaml). The operator loads a PrometheusRule only
when its labels match the Prometheus's ruleSelector (matchLabels and
matchExpressions with In, NotIn, Exists, DoesNotExist; a missing
ruleSelector selects nothing, an empty one everything) and its namespace
matches ruleNamespaceSelector (missing: only the Prometheus's own
namespace; empty: every namespace; otherwise the namespace's labels, which
are kubernetes.io/metadata.name plus namespace_labels from .rulecheck.yaml).
Such rules are silently never evaluated. A resource without
metadata.namespace is checked as if applied to the Prometheus's namespace.`,
	Example: `# Prometheus: ruleSelector: {matchLabels: {type: alerting-rules}}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: app-alerts
  labels: {type: alerts}`,
	Run: func(p *lint.Pass) {
		if len(p.Project.Prometheuses) == 0 {
			return
		}
		for _, r := range p.File.Resources {
			var reasons []string
			selected := false
			for _, pr := range p.Project.Prometheuses {
				why := notSelected(p.Config(), pr, r)
				if why == "" {
					selected = true
					break
				}
				reasons = append(reasons, fmt.Sprintf("Prometheus %s (%s:%d): %s", pr.Key(), pr.File, pr.Pos.Line, why))
			}
			if !selected {
				p.Reportf(r.MetaPos, "PrometheusRule %s is not loaded by any Prometheus given, so none of its rules are evaluated: %s", r.Key(), strings.Join(reasons, "; "))
			}
		}
	},
})

// notSelected tells why a Prometheus does not load a PrometheusRule, ""
// when it does.
func notSelected(cfg *lint.Config, pr *lint.Prometheus, r *lint.Resource) string {
	sel := pr.Spec.RuleSelector
	if sel == nil {
		return "it has no ruleSelector, which selects no PrometheusRule"
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return "its ruleSelector is invalid: " + err.Error()
	}
	if !s.Matches(k8slabels.Set(r.Labels)) {
		return fmt.Sprintf("ruleSelector %s does not match the labels {%s}", s, labelString(r.Labels))
	}
	ns := r.Namespace
	if ns == "" {
		ns = pr.Namespace
	}
	nsSel := pr.Spec.RuleNamespaceSelector
	if nsSel == nil {
		if ns != pr.Namespace {
			return fmt.Sprintf("it has no ruleNamespaceSelector, so it loads PrometheusRules from its own namespace %s only, not from %s", pr.Namespace, ns)
		}
		return ""
	}
	nss, err := metav1.LabelSelectorAsSelector(nsSel)
	if err != nil {
		return "its ruleNamespaceSelector is invalid: " + err.Error()
	}
	nsLabels := map[string]string{"kubernetes.io/metadata.name": ns}
	maps.Copy(nsLabels, cfg.NamespaceLabels[ns])
	if !nss.Matches(k8slabels.Set(nsLabels)) {
		return fmt.Sprintf("ruleNamespaceSelector %s does not match namespace %s (labels {%s}; set others under namespace_labels in .rulecheck.yaml)", nss, ns, labelString(nsLabels))
	}
	return ""
}

func labelString(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ", ")
}
