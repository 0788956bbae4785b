package tmplbound

import (
	"context"
	"net/url"
	"testing"

	"github.com/prometheus/prometheus/template"
)

// FuzzCountingCopy: for any template, when the counting copy stays within
// a small budget, Prometheus's expansion of the template itself gives the
// same text, or fails as the copy does. The copy is the template with
// calls that print nothing added, so the check measures what Prometheus
// will produce, and a template it lets through is bounded.
func FuzzCountingCopy(f *testing.F) {
	for _, s := range []string{
		"{{ range query \"up\" }}{{ .Labels.instance }},{{ end }}",
		"{{ range 3 }}x{{ else }}none{{ end }}",
		"{{ define \"a\" }}<{{ . }}>{{ end }}{{ template \"a\" $labels.job }}",
		"{{ printf \"%[1]s-%[1]s\" $labels.job }}{{ html \"<&>\" }}{{ js \"\\\\\" }}",
		"{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}",
		"{{ with $x := 5 }}{{ $x }}{{ end }}{{ if eq 1 2 }}no{{ else if eq 1 1 }}yes{{ end }}",
		"{{- range $i, $s := query \"up\" -}} {{ $i }} {{- end }}",
		"{{/* c */}}{{ $v := 0 }}{{ range 4 }}{{ $v = . }}{{ break }}{{ end }}{{ $v }}",
	} {
		f.Add(s)
	}
	u, _ := url.Parse("http://prom")
	f.Fuzz(func(t *testing.T, text string) {
		trees, main, err := parseTrees(defs + text)
		if err != nil {
			return
		}
		b := NewBudget(64 << 10)
		exp := template.NewTemplateExpander(context.Background(), instrument(trees, main), "n", alertData(), 0, threeSeries, u, nil)
		exp.Funcs(countingFuncs(b))
		got, gotErr := exp.Expand()
		if b.Over() {
			return
		}
		want, wantErr := template.NewTemplateExpander(context.Background(), defs+text, "n", alertData(), 0, threeSeries, u, nil).Expand()
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: counting copy error %v, template error %v", text, gotErr, wantErr)
		}
		if wantErr == nil && got != want {
			t.Fatalf("%q: counting copy printed %q, template %q", text, got, want)
		}
	})
}
