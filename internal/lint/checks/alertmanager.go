package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/routecheck"
	"github.com/codevaldcortex/rulecheck/routing"
)

// routeReport is the routing analysis of the project's alerting rules
// against its Alertmanager configuration, shared by the alertmanager/
// checks.
var routeReport = &lint.Shared[*routing.Config, routecheck.Report]{
	Name: "Alertmanager routing analysis",
	Compute: func(p *lint.Project, am *routing.Config) routecheck.Report {
		return routecheck.Analyze(am, routecheck.FromProject(p))
	},
}

// AlertmanagerCatchAllOnly reports alerts that no route matches.
var AlertmanagerCatchAllOnly = register(&lint.Check{
	ID:       "alertmanager/catch-all-only",
	Severity: lint.Warning,
	Doc: `An alerting rule's alerts reach only the root (catch-all) receiver of the
Alertmanager configuration that .rulecheck.yaml names (alertmanager:): no
route matches the labels the rule sets. Routing is Alertmanager's own
route matching over the rule's literal labels; a route that reads a label
whose value the rule does not fix is not decided here. Give the alert the
labels your routes match (severity, team), or add a route for it.`,
	Example: `- alert: DiskFull
  expr: node_filesystem_avail_bytes == 0
  labels:
    severity: page   # the routes match critical and warning`,
	Run: func(p *lint.Pass) {
		forRouteFindings(p, routecheck.CatchAllOnly)
	},
})

// AlertmanagerInhibitNever reports inhibit rules that can never silence an
// alert.
var AlertmanagerInhibitNever = register(&lint.Check{
	ID:       "alertmanager/inhibit-never",
	Severity: lint.Warning,
	Doc: `An inhibit rule of the Alertmanager configuration that .rulecheck.yaml
names (alertmanager:) can never silence this alert: no alerting rule
produces its source alert, or an equal label is one that the source (or
the target) alert never carries while the other always does (Alertmanager
compares a missing label as empty), or the two sides never have the same
value. An inhibit rule whose target no rule produces is reported at its
source alerts. Use labels both alerts carry in equal (a rule that
aggregates a label away no longer carries it); "rulecheck routes" shows
every inhibit rule with the alerts it relates.`,
	Example: `# inhibit_rules: [{source_matchers: [alertname="AgentDown"],
#   target_matchers: [alertname="HighAgentCPUUsage"], equal: [agent_id]}]
- alert: AgentDown            # from up: no agent_id
  expr: up{job="agents"} == 0
- alert: HighAgentCPUUsage    # never silenced
  expr: rate(agent_cpu_seconds_total[5m]) > 0.9`,
	Run: func(p *lint.Pass) {
		forRouteFindings(p, routecheck.InhibitNoSource, routecheck.InhibitNoTarget, routecheck.InhibitEqualNever)
	},
})

// forRouteFindings reports the routing findings of the given kinds at the
// alerting rules of the pass's file they concern.
func forRouteFindings(p *lint.Pass, kinds ...routecheck.Kind) {
	am := p.Project.Alertmanager
	if am == nil {
		return
	}
	for _, f := range routeReport.Get(p.Project, am).Findings {
		if !hasKind(kinds, f.Kind) {
			continue
		}
		for _, a := range f.Alerts {
			if a.Pos.File != p.File.Path {
				continue
			}
			msg := f.Message
			if f.Kind != routecheck.CatchAllOnly {
				msg = f.Range.String() + ": " + msg
			}
			p.Reportf(lint.Pos{Line: a.Pos.Line, Column: a.Pos.Column}, "%s", msg)
		}
	}
}

func hasKind(kinds []routecheck.Kind, k routecheck.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
