package harness_test

import (
	"context"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
)

// expandAnnotation renders an annotation template exactly as
// rules.AlertingRule.Eval does (Prometheus v0.316.0, rules/alerting.go):
// the same convenience variables, template name, data, options and
// functions; the query function returns a fixed vector.
func expandAnnotation(text string, lset map[string]string, value float64) (string, error) {
	smpl := promql.Sample{T: 120_000, F: value, Metric: labels.FromMap(lset)}
	data := template.AlertTemplateData(lset, map[string]string{"cluster": "fuzz"}, "http://prometheus.example", smpl)
	defs := []string{
		"{{$labels := .Labels}}",
		"{{$externalLabels := .ExternalLabels}}",
		"{{$externalURL := .ExternalURL}}",
		"{{$value := .Value}}",
	}
	query := func(_ context.Context, q string, ts time.Time) (promql.Vector, error) {
		return promql.Vector{
			{T: ts.UnixMilli(), F: 1, Metric: labels.FromStrings("__name__", "up", "instance", "a:9090")},
			{T: ts.UnixMilli(), F: math.NaN(), Metric: labels.FromStrings("__name__", "up", "instance", "b:9090", "q", q)},
		}, nil
	}
	u, _ := url.Parse("http://prometheus.example/")
	tmpl := template.NewTemplateExpander(
		context.Background(),
		strings.Join(append(defs, text), ""),
		"__alert_FuzzAlert",
		data,
		model.Time(120_000),
		query,
		u,
		nil,
	)
	return tmpl.Expand()
}

// parseTest is the load-time check rulefmt makes of every label and
// annotation template.
func parseTest(text string) error {
	defs := "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
	return template.NewTemplateExpander(context.Background(), defs+text, "__alert_FuzzAlert", nil, 0, nil, nil, nil).ParseTest()
}

// unbounded reports templates whose execution time is not bounded by their
// length: ranges over integers (Go 1.22 ranges "{{range 1000000000}}"),
// nested ranges and templates that call templates. Prometheus executes
// such a template as written, without a budget; the fuzzer skips them.
func unbounded(text string) bool {
	trees := map[string]*parse.Tree{}
	tr := parse.New("t")
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(text, "{{", "}}", trees); err != nil {
		return false // a parse error is quick
	}
	if len(trees) > 1 {
		return true
	}
	bad := false
	var walk func(n parse.Node, inRange bool)
	walk = func(n parse.Node, inRange bool) {
		if n == nil || bad {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c, inRange)
			}
		case *parse.RangeNode:
			if inRange || strings.ContainsAny(n.Pipe.String(), "0123456789") || strings.Contains(n.Pipe.String(), "len") {
				bad = true
				return
			}
			walk(n.List, true)
			walk(n.ElseList, inRange)
		case *parse.IfNode:
			walk(n.List, inRange)
			walk(n.ElseList, inRange)
		case *parse.WithNode:
			walk(n.List, inRange)
			walk(n.ElseList, inRange)
		case *parse.TemplateNode:
			bad = true
		}
	}
	for _, tree := range trees {
		walk(tree.Root, false)
	}
	return bad
}

var pointerRE = regexp.MustCompile(`0x[0-9a-f]{6,}`)

// FuzzTemplate renders arbitrary annotation templates with arbitrary labels
// and values, as an alerting rule does. It must never panic; errors carry a
// message; rendering is deterministic; and a template that passes the
// load-time check never fails later with a parse error.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"{{ $labels.instance }} is down",
		"{{ $value | humanize }} errors, {{ $value | humanizePercentage }}",
		"{{ $value | humanizeDuration }} {{ $value | humanize1024 }} {{ $value | humanizeTimestamp }}",
		"{{ with query \"up\" }}{{ . | first | value }}{{ end }}",
		"{{ range query \"up\" }}{{ .Labels.instance }}={{ .Value }} {{ end }}",
		"{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}",
		"{{ $externalLabels.cluster }} {{ $externalURL }} {{ pathPrefix }} {{ externalURL }}",
		"{{ reReplaceAll \"(a+)\" \"$1b\" $labels.instance }} {{ match \"^a\" $labels.instance }}",
		"{{ $labels.instance | stripPort }} {{ $labels.instance | stripDomain }} {{ title \"x\" }} {{ toUpper \"x\" }}",
		"{{ \"1h\" | parseDuration }} {{ $value | toTime }} {{ $value | toDuration }} {{ now }}",
		"{{ index $labels \"missing\" }}",
		"{{ $labels.instance }",
		"{{ template \"x\" }}",
		"{{ range 3 }}x{{ end }}",
		"{{ printf \"%0100d\" 1 }}",
		"{{ nil }}",
		"{{ humanize \"abc\" }}",
		"{{ sortByLabel \"instance\" (query \"up\") }}",
		"{{ args 1 2 | printf \"%v\" }}",
		"{{ (query \"up\" | first).Labels }}",
		"{{ urlQueryEscape \"a b\" }} {{ graphLink \"up\" }} {{ tableLink \"up\" }}",
		"{{ safeHtml \"<b>\" }}",
		"{{ break }}",
	} {
		f.Add(s, "a:9090", 0.5)
	}
	f.Add("{{ $value }}", "", math.Inf(1))
	f.Add("{{ $value | humanize }}", "x", math.NaN())
	f.Add("{{ $value | toTime }}", "x", 1e300)
	f.Fuzz(func(t *testing.T, text, instance string, value float64) {
		if len(text) > 512 || len(instance) > 256 || unbounded(text) {
			return
		}
		lset := map[string]string{"__name__": "up", "instance": instance, "job": "fuzz"}
		out, err := expandAnnotation(text, lset, value)
		out2, err2 := expandAnnotation(text, lset, value)
		// A template can print a query result's pointers ({{ query "up" }});
		// those differ from run to run, and nothing else may.
		out, out2 = pointerRE.ReplaceAllString(out, "0xPTR"), pointerRE.ReplaceAllString(out2, "0xPTR")
		if (err == nil) != (err2 == nil) || out != out2 || err != nil && err.Error() != err2.Error() {
			t.Fatalf("not deterministic: %q, %v; then %q, %v", out, err, out2, err2)
		}
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("error without a message")
			}
			if parseTest(text) == nil && strings.Contains(err.Error(), "error parsing template") {
				t.Fatalf("the load-time check accepts the template, but expanding it fails to parse: %v", err)
			}
		}
	})
}
