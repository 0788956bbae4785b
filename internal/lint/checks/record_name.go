package checks

import (
	"regexp"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// RecordName reports recording rules whose names break the configured
// pattern.
var RecordName = register(&lint.Check{
	ID:       "record/name",
	Severity: lint.Warning,
	Doc: `A recording rule's name does not match the naming pattern set as
recording_rules: name_pattern in .rulecheck.yaml (a regular expression,
anchored at both ends). The check is off until a pattern is set. Prometheus's
convention is level:metric:operations, for instance job:http_requests:rate5m:
the labels the result keeps, the metric, and what was done to it; a
pattern such as "[a-z_]+:[a-z0-9_]+:[a-z0-9_]+" holds a team to it, so that a
reader knows from the name what a series is.`,
	Example: `# .rulecheck.yaml: recording_rules: {name_pattern: "[a-z_]+:[a-z0-9_]+:[a-z0-9_]+"}
- record: http_requests_rate
  expr: sum by (job) (rate(http_requests_total[5m]))`,
	Run: func(p *lint.Pass) {
		pattern := p.Config().RecordingRules.NamePattern
		if pattern == "" {
			return
		}
		re := regexp.MustCompile("^(?:" + pattern + ")$") // checked when the configuration was read
		for _, g := range p.File.Groups {
			for _, r := range g.Rules {
				if !r.IsAlert && !re.MatchString(r.Name) {
					p.Reportf(r.NamePos, "recording rule %s does not match the naming pattern %s of the configuration (level:metric:operations)", r.Name, pattern)
				}
			}
		}
	},
})
