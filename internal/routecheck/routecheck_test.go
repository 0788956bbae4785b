package routecheck

import (
	"testing"

	"github.com/prometheus/alertmanager/inhibit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/position"
	"github.com/codevaldcortex/rulecheck/routing"
)

const am = `route:
  receiver: root
  routes:
  - matchers: [severity="critical"]
    receiver: pager
  - matchers: [severity=~"warning|info"]
    receiver: chat
receivers: [{name: root}, {name: pager}, {name: chat}]
inhibit_rules:
- source_matchers: [alertname="Down"]
  target_matchers: [alertname="Busy"]
  equal: [instance]
- source_matchers: [alertname="Down"]
  target_matchers: [alertname="Busy"]
  equal: [agent_id]
- source_matchers: [alertname="Gone"]
  target_matchers: [alertname="Busy"]
- source_matchers: [alertname="Down"]
  target_matchers: [alertname="Nothing"]
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [severity]
`

func alert(name string, values map[string]string, carried ...string) Alert {
	a := Alert{Name: name, Pos: position.At("r.yaml", 1, 1), Values: map[string]string{"alertname": name}, Carried: map[string]bool{}}
	for k, v := range values {
		a.Values[k] = v
	}
	for _, c := range carried {
		a.Carried[c] = true
	}
	return a
}

func TestAnalyze(t *testing.T) {
	cfg, err := routing.Parse("am.yaml", []byte(am))
	require.NoError(t, err)
	alerts := []Alert{
		alert("Down", map[string]string{"severity": "critical"}, "instance"),
		alert("Busy", map[string]string{"severity": "warning"}, "instance", "agent_id"),
		alert("Stray", nil, "instance"),
	}
	rep := Analyze(cfg, alerts)
	var got []string
	for _, r := range rep.Alerts {
		got = append(got, r.Routes[0].Receiver)
	}
	assert.Equal(t, []string{"pager", "chat", "root"}, got)
	assert.Equal(t, []Inhibitor{{Line: 10, Sources: []string{"Down"}}}, rep.Alerts[1].Inhibitors)

	type finding struct {
		Kind Kind
		Line int
	}
	var found []finding
	for _, f := range rep.Findings {
		found = append(found, finding{f.Kind, f.Line})
	}
	assert.Equal(t, []finding{
		{CatchAllOnly, 1},       // Stray: no severity
		{InhibitEqualNever, 13}, // Down never carries agent_id, Busy always does
		{InhibitNoSource, 16},   // no rule produces Gone
		{InhibitNoTarget, 18},   // no rule produces Nothing
		{InhibitEqualNever, 20}, // critical and warning are never equal
	}, found)
}

func TestMayMatch(t *testing.T) {
	cfg, err := routing.Parse("am.yaml", []byte("route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules:\n- source_matchers: ['team!=\"\"', 'env=~\"prod.*\"']\n"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		a    Alert
		want bool
	}{
		{"known values that match", alert("A", map[string]string{"team": "x", "env": "prod-eu"}), true},
		{"a known value that does not match", alert("A", map[string]string{"team": "x", "env": "dev"}), false},
		{"carried values may match", alert("A", nil, "team", "env"), true},
		{"an absent label is matched as empty", alert("A", nil, "env"), false},
		{"an open label set may carry it", func() Alert { a := alert("A", nil); a.Open = true; return a }(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, mayMatch(inhibit.NewInhibitRule(cfg.AM.InhibitRules[0]).SourceMatchers, tc.a))
		})
	}
}
