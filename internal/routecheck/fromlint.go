package routecheck

import (
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/position"
)

// FromProject returns the alerts the project's alerting rules can produce:
// alertname and their literal labels (group labels first, the rule's over
// them) with values, templated labels and the labels the expression keeps
// (the lint's label analysis) without.
func FromProject(p *lint.Project) []Alert {
	var out []Alert
	for _, f := range p.Files {
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.IsAlert {
					out = append(out, fromRule(p, f.Path, r))
				}
			}
		}
	}
	return out
}

func fromRule(p *lint.Project, file string, r *lint.Rule) Alert {
	a := Alert{Name: r.Name, Pos: position.At(file, r.NamePos.Line, r.NamePos.Column),
		Values: map[string]string{"alertname": r.Name}, Carried: map[string]bool{}}
	if r.Expr != nil && r.Expr.AST != nil {
		ls := p.Labels(r.Expr.AST)
		for n := range ls.Names {
			a.Carried[n] = true
		}
		a.Open = ls.Open
	} else {
		a.Open = true
	}
	set := func(labels map[string]string) {
		for k, v := range labels {
			if strings.Contains(v, "{{") {
				delete(a.Values, k)
				a.Carried[k] = true
				continue
			}
			a.Values[k] = v
			delete(a.Carried, k)
		}
	}
	set(r.Group.Raw.Labels)
	set(r.Raw.Labels)
	delete(a.Carried, "__name__")
	return a
}
