package catalog

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readSources(t *testing.T) (goCat, expCat *Catalog, warns []Warning) {
	t.Helper()
	src, err := os.ReadFile("../testdata/catalog/metrics.go.txt")
	require.NoError(t, err)
	goCat, warns, err = FromGo("metrics.go.txt", src)
	require.NoError(t, err)
	exp, err := os.ReadFile("../testdata/catalog/metrics.prom")
	require.NoError(t, err)
	expCat, err = FromExposition("metrics.prom", exp)
	require.NoError(t, err)
	return goCat, expCat, warns
}

func TestFromGoSeed(t *testing.T) {
	c, _, warns := readSources(t)
	tests := []struct {
		name   string
		typ    Type
		labels []string
		help   string
	}{
		{"pweza_agent_status", Gauge, []string{"agent_id", "agent_type", "status"}, "Current status of agents (0=stopped, 1=running, 2=failed)"},
		{"pweza_agent_cpu_usage_seconds_total", Gauge, []string{"agent_id"}, "Total CPU time consumed by agent"},
		{"pweza_agent_memory_usage_bytes", Gauge, []string{"agent_id"}, "Current memory usage by agent"},
		{"pweza_workflow_executions_total", Counter, []string{"workflow_id", "status"}, "Total number of workflow executions"},
		{"pweza_workflow_execution_duration_seconds", Histogram, []string{"workflow_id"}, "Duration of workflow executions"},
		{"pweza_api_requests_total", Counter, []string{"method", "endpoint", "status"}, "Total number of API requests"},
		{"pweza_api_request_duration_seconds", Histogram, []string{"method", "endpoint"}, "Duration of API requests"},
	}
	require.Len(t, c.Metrics, len(tests))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := c.Metric(tt.name)
			require.NotNil(t, m)
			assert.Equal(t, tt.typ, m.Type)
			assert.Equal(t, tt.labels, m.Labels)
			assert.Equal(t, tt.help, m.Help)
			assert.Contains(t, m.Source, "metrics.go.txt:")
		})
	}
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0].Msg, "pweza_agent_cpu_usage_seconds_total is a gauge but has a counter's _total suffix")
}

// TestGoAndExpositionAgree asserts that the seed's Go definitions and the
// exposition of the same metrics give the same catalog.
func TestGoAndExpositionAgree(t *testing.T) {
	goCat, expCat, _ := readSources(t)
	require.Len(t, expCat.Metrics, len(goCat.Metrics))
	for _, gm := range goCat.Metrics {
		em := expCat.Metric(gm.Name)
		require.NotNil(t, em, gm.Name)
		assert.Equal(t, gm.Type, em.Type, gm.Name)
		assert.ElementsMatch(t, gm.Labels, em.Labels, gm.Name)
		assert.Equal(t, gm.Help, em.Help, gm.Name)
		assert.Equal(t, gm.Buckets, em.Buckets, gm.Name)
	}
	assert.Equal(t, []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, goCat.Metric("pweza_workflow_execution_duration_seconds").Buckets)
}

func TestFromGoForms(t *testing.T) {
	src := `package m

import (
	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

const ns = "app"

var labelNames = []string{"code", "method"}

var (
	Reqs = promauto.With(prom.DefaultRegisterer).NewCounterVec(prom.CounterOpts{
		Namespace: ns,
		Subsystem: "http",
		Name:      "requests_total",
		Help:      "Requests " + "served.",
	}, labelNames)
	Lat = prom.NewSummary(prom.SummaryOpts{Name: "latency_seconds", ConstLabels: prom.Labels{"zone": "a"}})
	Up  = promauto.NewGaugeFunc(prom.GaugeOpts{Namespace: ns, Name: "up_since"}, func() float64 { return 0 })
	Nat = prom.NewHistogram(prom.HistogramOpts{Name: "native_seconds", NativeHistogramBucketFactor: 1.1})
	Lin = prom.NewHistogram(prom.HistogramOpts{Name: "lin_seconds", Buckets: prom.LinearBuckets(1, 2, 3)})
	Exp = prom.NewHistogram(prom.HistogramOpts{Name: "exp_seconds", Buckets: prom.ExponentialBuckets(1, 10, 3)})
)

func init() {
	prom.MustRegister(prom.NewCounter(prom.CounterOpts{Name: "inits"}))
}
`
	c, warns, err := FromGo("m.go", []byte(src))
	require.NoError(t, err)
	tests := []struct {
		name   string
		typ    Type
		labels []string
		native bool
		source string
	}{
		{"app_http_requests_total", Counter, []string{"code", "method"}, false, "m.go:13 (Reqs)"},
		{"latency_seconds", Summary, []string{"zone"}, false, "m.go:19 (Lat)"},
		{"app_up_since", Gauge, nil, false, "m.go:20 (Up)"},
		{"native_seconds", Histogram, nil, true, "m.go:21 (Nat)"},
		{"lin_seconds", Histogram, nil, false, "m.go:22 (Lin)"},
		{"exp_seconds", Histogram, nil, false, "m.go:23 (Exp)"},
		{"inits", Counter, nil, false, "m.go:27"},
	}
	require.Len(t, c.Metrics, len(tests))
	for _, tt := range tests {
		m := c.Metric(tt.name)
		require.NotNil(t, m, tt.name)
		assert.Equal(t, tt.typ, m.Type, tt.name)
		assert.Equal(t, tt.labels, m.Labels, tt.name)
		assert.Equal(t, tt.native, m.NativeHistogram, tt.name)
		assert.Equal(t, tt.source, m.Source, tt.name)
	}
	assert.Equal(t, "Requests served.", c.Metric("app_http_requests_total").Help)
	assert.Equal(t, []float64{1, 3, 5}, c.Metric("lin_seconds").Buckets)
	assert.Equal(t, []float64{1, 10, 100}, c.Metric("exp_seconds").Buckets)
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0].String(), "counter inits does not end in _total")
}

func TestFromGoErrors(t *testing.T) {
	_, _, err := FromGo("x.go", []byte("package x\n"))
	require.ErrorContains(t, err, "does not import github.com/prometheus/client_golang/prometheus")
	_, _, err = FromGo("x.go", []byte("package x\nfunc {"))
	require.Error(t, err)
}

func TestLookup(t *testing.T) {
	c := &Catalog{
		Jobs: []Job{
			{Name: "agents", ScrapeInterval: model.Duration(10 * time.Second), Labels: []string{"pod"}},
			{Name: "manager", ScrapeInterval: model.Duration(15 * time.Second)},
		},
		Metrics: []Metric{
			{Name: "req_total", Type: Counter, Labels: []string{"code"}, Jobs: []string{"manager"}},
			{Name: "lat_seconds", Type: Histogram, Labels: []string{"path"}, Jobs: []string{"agents", "manager"}},
			{Name: "q_seconds", Type: Summary},
			{Name: "temp", Type: Gauge, ScrapeInterval: model.Duration(time.Minute * 2)},
		},
	}
	require.NoError(t, c.Validate())
	tests := []struct {
		name     string
		ok       bool
		kind     Kind
		labels   []string
		open     bool
		interval time.Duration
		jobs     []string
	}{
		{"req_total", true, KindCounter, []string{"code", "instance", "job"}, false, 15 * time.Second, nil},
		{"lat_seconds_bucket", true, KindBucket, []string{"instance", "job", "le", "path", "pod"}, false, 15 * time.Second, nil},
		{"lat_seconds_bucket", true, KindBucket, []string{"instance", "job", "le", "path", "pod"}, false, 10 * time.Second, []string{"agents"}},
		{"lat_seconds_sum", true, KindCounter, []string{"instance", "job", "path", "pod"}, false, 15 * time.Second, nil},
		{"lat_seconds", true, KindNone, []string{"instance", "job", "path", "pod"}, false, 15 * time.Second, nil},
		{"q_seconds", true, KindQuantile, []string{"instance", "job", "quantile"}, true, time.Minute, nil},
		{"q_seconds_count", true, KindCounter, []string{"instance", "job"}, true, time.Minute, nil},
		{"q_seconds_bucket", false, KindUnknown, nil, true, 0, nil},
		{"temp", true, KindGauge, []string{"instance", "job"}, true, 2 * time.Minute, nil},
		{"up", true, KindGauge, []string{"instance", "job", "pod"}, false, 15 * time.Second, nil},
		{"up", true, KindGauge, []string{"instance", "job", "pod"}, false, 10 * time.Second, []string{"agents"}},
		{"nope", false, KindUnknown, nil, true, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := c.Lookup(tt.name)
			require.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.kind, s.Kind)
			labels, open := c.Labels(s)
			assert.Equal(t, tt.labels, labels)
			assert.Equal(t, tt.open, open)
			if ok {
				assert.Equal(t, tt.interval, c.ScrapeInterval(s, tt.jobs...))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		yaml, err string
	}{
		{"metrics:\n- name: a\n  type: bogus\n", `unknown type "bogus"`},
		{"metrics:\n- name: a\n- name: a\n", `metric "a" is listed twice`},
		{"metrics:\n- name: a\n  jobs: [x]\n", `job "x" is not in the jobs list`},
		{"jobs:\n- name: x\n", `job "x" has no scrape_interval`},
		{"metrics:\n- name: a\n  colour: red\n", `field colour not found`},
		{"metrics:\n- name: a\n  labels: [__name__]\n", `invalid label name "__name__"`},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		require.ErrorContains(t, err, tt.err, tt.yaml)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	goCat, _, _ := readSources(t)
	b, err := goCat.Marshal()
	require.NoError(t, err)
	back, err := Parse(b)
	require.NoError(t, err)
	assert.Len(t, back.Metrics, len(goCat.Metrics))
	assert.Contains(t, string(b), "labels: [agent_id, agent_type, status]")
}

func TestCompare(t *testing.T) {
	goCat, _, _ := readSources(t)
	c, err := Parse([]byte(`
metrics:
- {name: pweza_agent_status, type: gauge, labels: [agent_id, agent_type, status]}
- {name: pweza_agent_cpu_usage_seconds_total, type: counter, labels: [agent_id]}
- {name: pweza_agent_memory_usage_bytes, type: gauge, labels: [agent_id, extra]}
- {name: pweza_workflow_executions_total, type: counter, labels: [workflow_id, status]}
- {name: pweza_workflow_execution_duration_seconds, type: histogram, labels: [workflow_id]}
- {name: pweza_api_requests_total, type: counter, labels: [method, endpoint, status]}
- {name: made_up_total, type: counter}
- {name: assumed_total, type: counter, assumed: true}
`))
	require.NoError(t, err)
	var got []string
	for _, d := range c.Compare(goCat) {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		"made_up_total: no source defines it; mark it assumed: true with a note, or remove it",
		"pweza_agent_cpu_usage_seconds_total: the catalog says counter, metrics.go.txt:19 (AgentCPUUsage) defines a gauge",
		`pweza_agent_memory_usage_bytes: the catalog lists label "extra", which metrics.go.txt:27 (AgentMemoryUsage) does not define`,
		"pweza_api_request_duration_seconds: defined as a histogram in metrics.go.txt:62 (APIRequestDuration) but not in the catalog",
	}, got)
}

func TestIsGoSource(t *testing.T) {
	assert.True(t, IsGoSource("x.go.txt", nil))
	assert.True(t, IsGoSource("x", []byte("// c\n\npackage x\n")))
	assert.False(t, IsGoSource("x.prom", []byte("# HELP a b\n")))
}

// TestFromGoHostileConstants: constants defined in terms of themselves, a
// chain doubling a name, and very deep chains are errors at a position,
// found quickly and without a deep stack.
func TestFromGoHostileConstants(t *testing.T) {
	prog := func(decls, name string) string {
		return "package m\n\nimport \"github.com/prometheus/client_golang/prometheus\"\n\n" + decls +
			"\nvar M = prometheus.NewCounter(prometheus.CounterOpts{Name: " + name + "})\n"
	}
	doubling := "const c0 = \"ab\"\n"
	for i := 1; i <= 40; i++ {
		doubling += fmt.Sprintf("const c%d = c%d + c%d\n", i, i-1, i-1)
	}
	deep := "const d0 = \"x\"\n"
	for i := 1; i <= 5000; i++ {
		deep += fmt.Sprintf("const d%d = d%d\n", i, i-1)
	}
	for _, c := range []struct {
		name, src, want string
	}{
		{"string cycle", prog("const a = b + \"_x\"\nconst b = a + \"_y\"\n", "a"), `m.go:6:11: constant a is defined in terms of itself`},
		{"numeric cycle", prog("const lo = -hi\nconst hi = -lo\n", `"n_total"`) + "var H = prometheus.NewHistogram(prometheus.HistogramOpts{Name: \"h\", Buckets: []float64{lo}})\n", "constant lo is defined in terms of itself"},
		{"doubling chain", prog(doubling, "c40"), "string constant longer than 65536 bytes"},
		{"deep chain", prog(deep, "d5000"), "constants defined in terms of each other more than 1000 deep"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := FromGo("m.go", []byte(c.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Regexp(t, `^m\.go:\d+:\d+: `, err.Error())
		})
	}
}

// BenchmarkFromExposition: building a catalog from an exposition of 20,000
// families is linear in its size (it was quadratic: each family's line was
// found by splitting the whole text again).
func BenchmarkFromExposition(b *testing.B) {
	var src strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&src, "# HELP m%d_total help\n# TYPE m%d_total counter\nm%d_total{a=\"x\"} 1\n", i, i, i)
	}
	content := []byte(src.String())
	for b.Loop() {
		c, err := FromExposition("metrics.prom", content)
		if err != nil || len(c.Metrics) != 20000 {
			b.Fatal(err)
		}
		var all Catalog
		all.Merge(c)
	}
}
