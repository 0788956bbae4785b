package harness

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/prometheus/model/labels"
)

// fuzzFixtureSeeds are small test files covering the parser's branches;
// every file of testdata/bad and fixtures/ is added too.
var fuzzFixtureSeeds = []string{
	"",
	"tests: []",
	"rule_files: [r.yaml]\nevaluation_interval: 30s\ntests:\n- interval: 1m\n  input_series:\n  - series: 'up{job=\"a\"}'\n    values: '1 0x5'\n  alert_rule_test:\n  - eval_time: 5m\n    alertname: Down\n    exp_alerts:\n    - exp_labels: {job: a}\n      exp_annotations: {summary: down}\n  promql_expr_test:\n  - expr: up\n    eval_time: 1m\n    exp_samples:\n    - labels: 'up{job=\"a\"}'\n      value: 0\n",
	"format: rulecheck/v1\nrule_files: ['*.yaml']\ntests:\n- name: t\n  duration: 10m\n  allow_unlisted_alerts: true\n  timeline:\n  - alert: A\n    labels: {a: b}\n    pending: 1m\n    firing: 2m\n    resolved: 3m\n",
	"format: rulecheck/v1\ntests:\n- timeline:\n  - alert: A\n    firing: 2m\n    pending: 3m\n",
	"format: other\ntests: []",
	"tests:\n- start_timestamp: 1700000000.5\n  external_labels: {a: b}\n  external_url: http://x\n",
	"tests:\n- start_timestamp: '2024-01-01T00:00:00Z'\n",
	"tests:\n- start_timestamp: nope\n",
	"tests:\n- interval: 1 minute\n",
	"tests:\n- interval: [1m]\n",
	"tests:\n- {interval: 1m, interval: 2m}\n",
	"group_eval_order: [a, b, a]\nfuzzy_compare: true\ntests: []",
	"groups:\n- name: g\n  rules: []\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n",
	"rule_files: ['[']\ntests: []",
	"a: &a [1, 2]\nb: &b [*a, *a]\ntests: *b\n",
	"tests: [[[[[[[[[[]]]]]]]]]]",
	"tests:\n- name: \"caf\xe9\"\n",
	"tests:\n- name: x\x00\n",
	"\xef\xbb\xbftests: []",
	"---\ntests: []\n---\ntests: [1]\n",
}

func addFileSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		matches, _ := filepath.Glob(g)
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
}

// fuzzGlobHeavy reports inputs whose rule_files globs could walk much of
// the file system ("/*/*/*/*"); the fuzzer skips them to stay fast.
func fuzzGlobHeavy(data []byte) bool {
	return bytes.Count(data, []byte("/*"))+bytes.Count(data, []byte("*/"))+bytes.Count(data, []byte("/?")) > 3
}

var fixtureCmp = cmp.Options{
	cmp.Comparer(labels.Equal),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b float64) bool { return a == b || math.Float64bits(a) == math.Float64bits(b) }),
}

// FuzzParseFixture parses arbitrary bytes as a test file. It must never
// panic; a rejected file gets one *FixtureError naming the file, with a
// message; an accepted one has usable intervals; parsing is deterministic.
func FuzzParseFixture(f *testing.F) {
	for _, s := range fuzzFixtureSeeds {
		f.Add([]byte(s))
	}
	addFileSeeds(f, "../testdata/bad/*.yaml", "../fixtures/*.yaml", "../../shared/conformance/promtool-testdata/*.yml")
	dir := f.TempDir()
	path := filepath.Join(dir, "fuzz.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 || fuzzGlobHeavy(data) {
			return
		}
		fx, err := ParseFixture(path, data)
		fx2, err2 := ParseFixture(path, data)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("not deterministic: %v, then %v", err, err2)
		}
		if err != nil {
			if err.Error() != err2.Error() {
				t.Fatalf("not deterministic:\n%v\nthen\n%v", err, err2)
			}
			var fe *FixtureError
			if !errors.As(err, &fe) {
				t.Fatalf("error is a %T, not a *FixtureError: %v", err, err)
			}
			if fe.File != path || strings.TrimSpace(fe.Msg) == "" || fe.Line < 0 {
				t.Fatalf("unclear error: file %q, line %d, message %q", fe.File, fe.Line, fe.Msg)
			}
			if !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error does not start with the file: %v", err)
			}
			return
		}
		if d := cmp.Diff(fx, fx2, fixtureCmp); d != "" {
			t.Fatalf("not deterministic (-first +second):\n%s", d)
		}
		if fx.Path != path {
			t.Fatalf("path %q", fx.Path)
		}
		if fx.EvaluationInterval <= 0 {
			t.Fatalf("evaluation interval %s", fx.EvaluationInterval)
		}
		for i, tg := range fx.Tests {
			if tg.Interval <= 0 {
				t.Fatalf("test %d: interval %s: a replay would never advance", i, tg.Interval)
			}
			if tg.Name == "" || tg.Index != i {
				t.Fatalf("test %d: name %q, index %d", i, tg.Name, tg.Index)
			}
			if tg.Start.IsZero() {
				t.Fatalf("test %d: no start time", i)
			}
			for _, a := range tg.AlertTests {
				if a.EvalTime < 0 {
					t.Fatalf("test %d: negative eval_time %s", i, a.EvalTime)
				}
			}
			for _, e := range tg.ExprTests {
				if e.EvalTime < 0 {
					t.Fatalf("test %d: negative eval_time %s", i, e.EvalTime)
				}
			}
			if len(tg.Timeline) > 0 && !fx.Native {
				t.Fatalf("test %d: a timeline in a promtool file", i)
			}
		}
	})
}

// FuzzSeriesNotation expands one input series, in promtool's series
// notation, as a test group's loader does. It must never panic nor expand
// beyond the limits: the estimate made before expanding must never count
// fewer values than the notation yields. Samples come out in time order,
// and expanding twice gives the same samples.
func FuzzSeriesNotation(f *testing.F) {
	for _, s := range [][2]string{
		{`up{job="a"}`, "1 2 3"},
		{`up`, "0+1x10"},
		{`up`, "10-2x5 _x3 stale"},
		{`up`, "1x3 _ 2x2"},
		{`temp{sensor="a"}`, "NaN Inf -Inf +Inf -1e10 0x1a 1e400"},
		{`{__name__="up", "utf8.name"="x"}`, "1"},
		{`hist`, "{{schema:1 sum:3 count:2 buckets:[1 1]}}x3"},
		{`hist`, "{{sum:3 count:2 buckets:[2]}}+{{sum:1 count:1 buckets:[1]}}x2"},
		{`hist`, "{{schema:0 sum:-1 count:2 z_bucket:1 z_bucket_w:0.001 buckets:[1] offset:-3 n_buckets:[1 1] n_offset:2 counter_reset_hint:gauge}}"},
		{`up`, "0+1x1000000000"},
		{`up`, "1x99999999999999999999"},
		{`up`, "1x 5"},
		{"up\nup2", "1 2"},
		{`up`, "# comment"},
		{`up{1a="b"}`, "1"},
		{``, ""},
	} {
		f.Add(s[0], s[1], uint16(60))
	}
	lim := Limits{MaxSamplesPerSeries: 5000, MaxSamplesPerTest: 20000, MaxSeriesPerTest: 20}
	f.Fuzz(func(t *testing.T, series, values string, intervalSec uint16) {
		if len(series)+len(values) > 2000 {
			return
		}
		interval := time.Duration(intervalSec%3600+1) * time.Second
		fx := &Fixture{Path: "fuzz.yaml", EvaluationInterval: time.Minute}
		tg := &TestGroup{Name: "fuzz", Line: 2, Interval: interval, Start: time.Unix(0, 0).UTC(),
			InputSeries: []InputSeries{{Series: series, Values: values, Line: 4}}}

		// The estimate is an upper bound of what the parser expands.
		for _, line := range strings.Split(series+" "+values, "\n") {
			line = strings.TrimSpace(line)
			est := estimateSamples(line)
			if est < 0 {
				t.Fatalf("negative estimate %d for %q", est, line)
			}
			if est > int64(lim.MaxSamplesPerSeries) {
				continue // expanding it is what the limit prevents
			}
			if _, vals, err := seriesParser.ParseSeriesDesc(line); err == nil && int64(len(vals)) > est {
				t.Fatalf("%q expands to %d values, but the estimate was %d: the limits can be bypassed", line, len(vals), est)
			}
		}

		out, warns, err := loadInputSeries(fx, tg, lim)
		out2, warns2, err2 := loadInputSeries(fx, tg, lim)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("not deterministic: %v, then %v", err, err2)
		}
		if err != nil {
			var fe *FixtureError
			if !errors.As(err, &fe) {
				t.Fatalf("error is a %T, not a *FixtureError: %v", err, err)
			}
			if fe.Line != 4 || strings.TrimSpace(fe.Msg) == "" || fe.File != "fuzz.yaml" {
				t.Fatalf("unclear error: line %d, message %q", fe.Line, fe.Msg)
			}
			return
		}
		if strings.Join(warns, "\n") != strings.Join(warns2, "\n") || len(out) != len(out2) {
			t.Fatalf("not deterministic: %d series, then %d", len(out), len(out2))
		}
		total := 0
		for i, s := range out {
			if !labels.Equal(s.lset, out2[i].lset) || len(s.samples) != len(out2[i].samples) {
				t.Fatalf("series %d not deterministic: %s, then %s", i, s.lset, out2[i].lset)
			}
			if len(s.samples) > lim.MaxSamplesPerSeries {
				t.Fatalf("series %s has %d samples, over the limit of %d", s.lset, len(s.samples), lim.MaxSamplesPerSeries)
			}
			total += len(s.samples)
			for j, smp := range s.samples {
				o := out2[i].samples[j]
				if smp.Ts != o.Ts || math.Float64bits(smp.V) != math.Float64bits(o.V) || (smp.FHist == nil) != (o.FHist == nil) || smp.FHist != nil && !smp.FHist.Equals(o.FHist) {
					t.Fatalf("series %s sample %d not deterministic", s.lset, j)
				}
				if smp.Ts < 0 {
					t.Fatalf("series %s sample %d before the start: %d", s.lset, j, smp.Ts)
				}
				if j > 0 && smp.Ts <= s.samples[j-1].Ts {
					t.Fatalf("series %s samples out of order at %d", s.lset, j)
				}
			}
		}
		if total > lim.MaxSamplesPerTest {
			t.Fatalf("%d samples in the test, over the limit of %d", total, lim.MaxSamplesPerTest)
		}
	})
}
