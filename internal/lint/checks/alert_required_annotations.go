package checks

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertRequiredAnnotations reports alerts without the annotations a
// responder needs.
var AlertRequiredAnnotations = register(&lint.Check{
	ID:       "alert/required-annotations",
	Severity: lint.Warning,
	Doc: `An alerting rule lacks an annotation the configuration requires (none by
default; summary and description, say), a critical alert lacks the
annotations critical alerts need (none by default; runbook_url, say), or a URL annotation (by default
runbook_url) is not an absolute http or https URL. Whoever is paged at night
reads the summary, the description and the runbook, nothing else.
Configure under alerts: in .rulecheck.yaml (required_annotations,
critical_severities, critical_annotations, url_annotations).`,
	Example: `- alert: DatabaseDown
  expr: pg_up == 0
  labels:
    severity: critical
  annotations:
    summary: "Database {{ $labels.instance }} is down"`,
	Run: func(p *lint.Pass) {
		cfg := p.Config().Alerts
		alerts(p, func(r *lint.Rule) {
			var missing []string
			for _, a := range cfg.RequiredAnnotations {
				if r.Annotation(a) == nil {
					missing = append(missing, a)
				}
			}
			if len(missing) > 0 {
				p.Reportf(r.NamePos, "alert %s has no %s %s (required: %s)", r.Name, lint.Plural(len(missing), "annotation"), quoteList(missing), strings.Join(cfg.RequiredAnnotations, ", "))
			}
			sev := r.Raw.Labels[cfg.SeverityLabel]
			if sev == "" {
				sev = r.Group.Raw.Labels[cfg.SeverityLabel]
			}
			if slices.Contains(cfg.CriticalSeverities, sev) {
				missing = missing[:0]
				for _, a := range cfg.CriticalAnnotations {
					if r.Annotation(a) == nil && !slices.Contains(cfg.RequiredAnnotations, a) {
						missing = append(missing, a)
					}
				}
				if len(missing) > 0 {
					p.Reportf(r.NamePos, "%s alert %s has no %s %s: whoever it pages needs to know what to do", sev, r.Name, lint.Plural(len(missing), "annotation"), quoteList(missing))
				}
			}
			for _, a := range cfg.URLAnnotations {
				t := r.Annotation(a)
				if t == nil {
					continue
				}
				if msg := checkURL(t.Text.Value); msg != "" {
					p.Reportf(t.Text.Pos(0), "%s %q %s", a, t.Text.Value, msg)
				}
			}
		})
	},
})

var templateActionRE = regexp.MustCompile(`\{\{.*?\}\}`)

// checkURL returns why a (possibly templated) URL is not an absolute http
// or https URL, or "".
func checkURL(s string) string {
	s = strings.TrimSpace(templateActionRE.ReplaceAllString(s, "x"))
	u, err := url.Parse(s)
	switch {
	case s == "":
		return "is empty"
	case err != nil:
		return "is not a valid URL: " + strings.TrimPrefix(err.Error(), "parse "+`"`+s+`": `)
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an absolute http(s) URL"
	case u.Host == "":
		return "has no host"
	}
	return ""
}
