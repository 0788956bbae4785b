package routing

import (
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func load(t *testing.T, path string) *Config {
	t.Helper()
	c, err := Load(path)
	require.NoError(t, err)
	return c
}

func ls(kv ...string) model.LabelSet {
	out := model.LabelSet{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[model.LabelName(kv[i])] = model.LabelValue(kv[i+1])
	}
	return out
}

func TestMatch(t *testing.T) {
	c := load(t, "testdata/routes.yml")
	for _, tc := range []struct {
		name      string
		labels    model.LabelSet
		receivers []string
		groupBy   [][]string
		onlyRoot  bool
	}{
		{"continue: critical reaches pager, then the next matching sibling",
			ls("alertname", "A", "severity", "critical", "team", "db", "env", "prod"),
			[]string{"pager", "db-chat"}, [][]string{{"alertname", "service"}, {"alertname"}}, false},
		{"nested route with a negative matcher",
			ls("alertname", "A", "severity", "critical", "team", "storage", "env", "dev"),
			[]string{"pager", "db-dev"}, [][]string{{"alertname", "service"}, nil}, false},
		{"no continue on db-chat: critical-log is not reached after it",
			ls("alertname", "A", "severity", "critical", "team", "db"),
			[]string{"pager", "db-dev"}, [][]string{{"alertname", "service"}, nil}, false},
		{"critical outside db reaches pager and critical-log",
			ls("alertname", "A", "severity", "critical", "team", "web"),
			[]string{"pager", "critical-log"}, [][]string{{"alertname", "service"}, {"alertname"}}, false},
		{"regex matcher is anchored: team=dbx is not db",
			ls("alertname", "A", "severity", "warning", "team", "dbx"),
			[]string{"warning-noservice"}, [][]string{{"alertname"}}, false},
		{"negative regex and empty-value matcher: a warning with a service falls to the root",
			ls("alertname", "A", "severity", "warning", "service", "api"),
			[]string{"default"}, [][]string{{"alertname"}}, true},
		{"info falls to the root",
			ls("alertname", "A", "severity", "info"),
			[]string{"default"}, [][]string{{"alertname"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := c.Match(tc.labels)
			assert.Equal(t, tc.receivers, c.Receivers(tc.labels))
			var gb [][]string
			for _, r := range routes {
				gb = append(gb, r.GroupBy)
			}
			assert.Equal(t, tc.groupBy, gb)
			assert.Equal(t, tc.onlyRoot, OnlyRoot(routes))
		})
	}
}

func TestMatchGroupByAllAndLines(t *testing.T) {
	c := load(t, "testdata/routes.yml")
	routes := c.Match(ls("alertname", "A", "team", "db", "env", "dev"))
	require.Len(t, routes, 1)
	assert.True(t, routes[0].GroupByAll)
	assert.Equal(t, 13, routes[0].Line)
	assert.Equal(t, 2, c.Match(ls("severity", "info"))[0].Line)
	assert.Equal(t, 29, c.InhibitRuleLine(0))
}

func TestInhibited(t *testing.T) {
	c := load(t, "testdata/routes.yml")
	nodeDown := ls("alertname", "NodeDown", "node", "n1", "severity", "critical")
	nodeDown2 := ls("alertname", "NodeDown", "node", "n2", "severity", "critical")
	diskFull := ls("alertname", "DiskFull", "node", "n1", "severity", "warning")
	info := ls("alertname", "Info", "node", "n1", "severity", "info")
	clusterDown := ls("alertname", "ClusterDown", "severity", "critical")
	podCrash := ls("alertname", "PodCrash", "cluster", "c1", "severity", "info")
	for _, tc := range []struct {
		name   string
		active []model.LabelSet
		want   [][]int
	}{
		{"equal label matches: DiskFull on n1 is inhibited by NodeDown on n1",
			[]model.LabelSet{nodeDown, diskFull}, [][]int{nil, {0}}},
		{"equal label differs: NodeDown on n2 does not inhibit DiskFull on n1",
			[]model.LabelSet{nodeDown2, diskFull}, [][]int{nil, nil}},
		{"target matcher excludes info",
			[]model.LabelSet{nodeDown, info}, [][]int{nil, nil}},
		{"an alert matching source and target does not inhibit itself",
			[]model.LabelSet{nodeDown}, [][]int{nil}},
		{"two NodeDown on one node do not inhibit each other",
			[]model.LabelSet{nodeDown, ls("alertname", "NodeDown", "node", "n1", "severity", "warning")}, [][]int{nil, nil}},
		{"never matches: ClusterDown has no cluster label, PodCrash has one",
			[]model.LabelSet{clusterDown, podCrash}, [][]int{nil, nil}},
		{"no source active", []model.LabelSet{diskFull}, [][]int{nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, c.Inhibited(tc.active))
		})
	}
}

func TestInhibitions(t *testing.T) {
	c := load(t, "testdata/routes.yml")
	nodeDown := ls("alertname", "NodeDown", "node", "n1", "severity", "critical")
	diskFull := ls("alertname", "DiskFull", "node", "n1", "severity", "warning")
	fs := []Firing{
		{Labels: diskFull, From: 0, Open: true},
		{Labels: nodeDown, From: 2 * time.Minute, To: 5 * time.Minute},
		{Labels: nodeDown, From: 7 * time.Minute, Open: true},
	}
	got := c.Inhibitions(fs)
	assert.Equal(t, []Span{
		{From: 2 * time.Minute, To: 5 * time.Minute, By: []int{1}},
		{From: 7 * time.Minute, Open: true, By: []int{2}},
	}, got[0])
	assert.Empty(t, got[1])
	assert.Empty(t, got[2])
}

func TestSent(t *testing.T) {
	drop := &relabel.Config{Action: relabel.LabelDrop, Regex: relabel.MustNewRegexp("prometheus_replica")}
	for _, tc := range []struct {
		name     string
		alert    labels.Labels
		external labels.Labels
		relabels []*relabel.Config
		want     model.LabelSet
		kept     bool
	}{
		{"external labels added", labels.FromStrings("alertname", "A"), labels.FromStrings("cluster", "c1"), nil,
			ls("alertname", "A", "cluster", "c1"), true},
		{"the alert's own label wins", labels.FromStrings("alertname", "A", "cluster", "mine"), labels.FromStrings("cluster", "c1"), nil,
			ls("alertname", "A", "cluster", "mine"), true},
		{"relabelling after external labels", labels.FromStrings("alertname", "A"), labels.FromStrings("prometheus_replica", "p-0"), []*relabel.Config{drop},
			ls("alertname", "A"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, kept := Sent(tc.alert, tc.external, tc.relabels)
			assert.Equal(t, tc.kept, kept)
			assert.Equal(t, tc.want, got)
		})
	}
}
