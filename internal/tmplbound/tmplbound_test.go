package tmplbound

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defs are the variables Prometheus defines in front of an alert template.
const defs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

func alertData() any {
	return template.AlertTemplateData(map[string]string{"instance": "host:9090", "job": "node"}, map[string]string{"cluster": "c1"}, "http://prom", promql.Sample{F: 12.5})
}

func threeSeries(context.Context, string, time.Time) (promql.Vector, error) {
	var v promql.Vector
	for _, i := range []string{"a", "b", "c"} {
		v = append(v, promql.Sample{Metric: labels.FromStrings("instance", i), F: 1})
	}
	return v, nil
}

func check(t *testing.T, text string, limit int64) error {
	t.Helper()
	u, _ := url.Parse("http://prom")
	return Prepare(defs+text).Check(context.Background(), "__alert_X", alertData(), 0, threeSeries, u, NewBudget(limit))
}

func TestPlainTemplatesNeedNoCheck(t *testing.T) {
	for _, text := range []string{
		"",
		"plain text",
		"{{ $labels.instance }} of {{ $labels.job }} is down",
		"{{ $value | humanizePercentage }}",
		"{{ printf \"%.2f\" $value }}",
		"{{ $value | printf \"%.4g\" }}",
		"{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}",
		"{{ if gt $value 1.0 }}high{{ else }}low{{ end }}",
		"{{ humanize (query \"up\" | first | value) }}",
		"{{ title (toUpper $labels.job) }}",
		"{{ $labels }}",
		"{{ bad syntax", // fails to parse: Prometheus fails at once
	} {
		assert.False(t, Prepare(defs+text).NeedsCheck(), text)
	}
}

func TestTemplatesThatCanGrowAreChecked(t *testing.T) {
	for _, text := range []string{
		"{{ range 3 }}x{{ end }}",
		"{{ range query \"up\" }}{{ .Labels.instance }}{{ end }}",
		"{{ define \"a\" }}x{{ end }}{{ template \"a\" }}",
		"{{ html (html $labels.job) }}",
		"{{ printf \"%[1]s%[1]s\" $labels.job }}",
		"{{ printf \"%01000d\" 1 }}",
		"{{ printf \"%s\" (printf \"%s\" $labels.job) }}",
		"{{ $x := printf \"%s\" $labels.job }}{{ $x }}",
		"{{ reReplaceAll \"(.*)\" \"$1$1\" $labels.job }}",
		"{{ urlQueryEscape $labels.job }}",
		"{{ $labels.job }}" + strings.Repeat("x", plainTextLimit),
	} {
		assert.True(t, Prepare(defs+text).NeedsCheck(), text)
	}
}

// The counting copy prints what the template prints: it is the same tree
// with calls that print nothing added.
func TestCountingCopyPrintsTheSame(t *testing.T) {
	u, _ := url.Parse("http://prom")
	for _, text := range []string{
		"{{ range $i, $s := query \"up\" }}{{ $i }}={{ $s.Labels.instance }} {{ else }}none{{ end }}",
		"{{- range 3 -}} x {{- end }}!",
		"{{ define \"a\" }}<{{ . }}>{{ end }}{{ template \"a\" $labels.job }}{{ template \"a\" 2 }}",
		"{{ with $x := 5 }}{{ $x }}{{ end }}{{ if eq 1 2 }}no{{ else if eq 1 1 }}yes{{ end }}",
		"{{ range query \"up\" }}{{ if eq .Labels.instance \"b\" }}{{ break }}{{ end }}{{ .Labels.instance }}{{ end }}",
		"{{/* comment */}}{{ printf \"%[1]s-%[1]s\" `raw` }}{{ html \"<a>\" }}{{ reReplaceAll \":.*\" \"\" $labels.instance }}",
		"{{ $v := 0 }}{{ range 4 }}{{ $v = . }}{{ end }}{{ $v }} {{ $externalLabels.cluster }} {{ $externalURL }}",
	} {
		want, err := template.NewTemplateExpander(context.Background(), defs+text, "n", alertData(), 0, threeSeries, u, nil).Expand()
		require.NoError(t, err, text)
		trees, main, err := parseTrees(defs + text)
		require.NoError(t, err, text)
		exp := template.NewTemplateExpander(context.Background(), instrument(trees, main), "n", alertData(), 0, threeSeries, u, nil)
		exp.Funcs(countingFuncs(NewBudget(0)))
		got, err := exp.Expand()
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
}

func TestHostileTemplatesExceedTheBudget(t *testing.T) {
	for name, text := range map[string]string{
		"range over a large count":         "{{ range 100000000 }}x{{ end }}",
		"range that prints nothing":        "{{ range 100000000000 }}{{ end }}",
		"range over a count from the data": "{{ range (toDuration 1e9) }}{{ end }}",
		"nested escaping":                  "{{ js " + strings.Repeat("(js ", 40) + "`\\\\\\\\`" + strings.Repeat(")", 40) + " }}",
		"printf reusing its argument":      "{{ $a := printf \"%[1]s%[1]s%[1]s%[1]s\" \"xxxxxxxx\" }}{{ $b := printf \"%[1]s%[1]s%[1]s%[1]s\" $a }}{{ range 20 }}{{ $a = printf \"%[1]s%[1]s%[1]s%[1]s\" $a }}{{ end }}",
		"printf width":                     "{{ range 1000 }}{{ printf \"%01000000d\" 0 }}{{ end }}",
		"printf width from an argument":    "{{ range 1000 }}{{ printf \"%0*d\" 1000000 0 }}{{ end }}",
		"replacement of every empty match": "{{ $s := \"xxxxxxxxxx\" }}{{ range 16 }}{{ $s = reReplaceAll \"\" \"yy\" $s }}{{ end }}{{ $s }}",
		"doubling defined templates":       doublingDefines(40),
		"range over a query in a range":    "{{ range 1000000 }}{{ range query \"up\" }}{{ .Labels.instance }}{{ end }}{{ end }}",
		"calls on a large value":           "{{ $a := printf \"%01000000d\" 0 }}{{ range 100000000 }}{{ $b := toUpper $a }}{{ end }}",
		"a large value piped into calls":   "{{ $a := printf \"%01000000d\" 0 }}{{ range 100000000 }}{{ if $a | match \"x$\" }}{{ end }}{{ end }}",
		"a regexp matching nothing":        "{{ $a := printf \"%01000000d\" 0 }}{{ range 100000000 }}{{ $b := reReplaceAll \"x\" \"\" $a }}{{ end }}",
	} {
		t.Run(name, func(t *testing.T) {
			err := check(t, text, DefaultBytes)
			var ex *Exceeded
			require.True(t, errors.As(err, &ex), "got %v", err)
			assert.Equal(t, int64(DefaultBytes), ex.Limit)
		})
	}
}

func doublingDefines(n int) string {
	var sb strings.Builder
	sb.WriteString(`{{ define "t0" }}x{{ end }}`)
	for i := 1; i <= n; i++ {
		sb.WriteString(`{{ define "t` + itoa(i) + `" }}{{ template "t` + itoa(i-1) + `" }}{{ template "t` + itoa(i-1) + `" }}{{ end }}`)
	}
	sb.WriteString(`{{ template "t` + itoa(n) + `" }}`)
	return sb.String()
}

func itoa(i int) string {
	return strconv.Itoa(i)
}

func TestTemplatesWithinTheBudgetPass(t *testing.T) {
	for _, text := range []string{
		"{{ range query \"up\" }}{{ .Labels.instance }} {{ end }}",
		"{{ range 1000 }}x{{ end }}",
		"{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}",
		"{{ printf \"%[1]s/%[1]s\" $labels.job }}",
		"{{ bad syntax",
		"{{ range 3 }}{{ nosuchfunc }}{{ end }}",
	} {
		assert.NoError(t, check(t, text, DefaultBytes), text)
	}
	// The budget is the limit: the same template over a small one.
	var ex *Exceeded
	assert.ErrorAs(t, check(t, "{{ range 1000 }}x{{ end }}", 1000), &ex)
	assert.Equal(t, "expands to more than 1000 bytes", ex.Error())
}

func TestFormatBytes(t *testing.T) {
	assert.Equal(t, "16MiB", FormatBytes(16<<20))
	assert.Equal(t, "512KiB", FormatBytes(512<<10))
	assert.Equal(t, "100 bytes", FormatBytes(100))
}
