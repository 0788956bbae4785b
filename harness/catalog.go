package harness

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// Holding fixtures to the metric catalog: with a catalog, an input series
// that production could not produce is refused before the replay, since a
// test fed such a series proves nothing about the rules in production.
//
//   - a metric the catalog does not know (recording-rule outputs, whose
//     names contain a colon, are exempt);
//   - a classic histogram fed by its bare name, or a _bucket series without
//     le;
//   - a label the metric does not carry;
//   - a counter that goes down other than by a reset: a restarted process
//     counts again from zero, so a drop is taken as a reset only when the
//     new value is at most half the old one.

// origin says where the catalog came from and how to run without it.
func (fc fixtureCatalog) origin() string {
	if fc.config == "" {
		return "the catalog " + fc.cat.Path + " was given explicitly; run without it to test without the catalog check"
	}
	return "the catalog " + fc.cat.Path + " is named by " + fc.config + "; to test without it: rulecheck test --catalog '' (Go: harness.Options{NoCatalog: true})"
}

// checkCatalog returns one failure per problem found, at the series' line.
func checkCatalog(cat *catalog.Catalog, f *Fixture, tg *TestGroup) []Failure {
	var out []Failure
	for idx, is := range tg.InputSeries {
		lset, vals, err := fixture.ParseSeries(strings.TrimSpace(is.Series + " " + is.Values))
		if err != nil {
			continue // reported when the series is loaded
		}
		fail := func(format string, args ...any) {
			out = append(out, FailureAt(f.Path, is.Line, fmt.Sprintf("%s:%d: test %q: input_series[%d] %s: ", f.Path, is.Line, tg.Name, idx, lset)+fmt.Sprintf(format, args...)+" (catalog "+cat.Path+")"))
		}
		name := lset.Get(labels.MetricName)
		s, known := cat.Lookup(name)
		switch {
		case !known && strings.Contains(name, ":"):
			continue
		case !known:
			fail("metric %s is not in the catalog", name)
			continue
		case s.Kind == catalog.KindNone:
			fail("%s is a classic histogram: production exports only %s_bucket{le=...}, %s_sum and %s_count, never the bare name", name, name, name, name)
			continue
		case s.Kind == catalog.KindBucket && !lset.Has(labels.BucketLabel):
			fail("a histogram bucket without an le label")
		}
		if allowed, open := cat.Labels(s); !open {
			lset.Range(func(l labels.Label) {
				if l.Name != labels.MetricName && !slices.Contains(allowed, l.Name) {
					fail("label %q is not a label of %s (it has %s)", l.Name, s.Metric.Name, strings.Join(allowed, ", "))
				}
			})
		}
		if s.Kind == catalog.KindCounter || s.Kind == catalog.KindBucket {
			prev, have := 0.0, false
			for i, v := range vals {
				if v.Omitted || v.Histogram != nil || math.IsNaN(v.Value) || value.IsStaleNaN(v.Value) {
					continue
				}
				if have && v.Value < prev && v.Value > prev/2 {
					fail("a counter goes down from %g to %g at step %d; counters only go up, or reset towards zero when the process restarts", prev, v.Value, i)
					break
				}
				prev, have = v.Value, true
			}
		}
	}
	return out
}
