package catalog

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// FromExposition reads the metric families of a Prometheus text exposition
// (the format of a /metrics page): names and types from # TYPE, help from
// # HELP, label names from the samples (without le and quantile, which the
// histogram and summary types imply). Families without a # TYPE line are
// untyped.
func FromExposition(path string, content []byte) (*Catalog, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(content))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c := &Catalog{}
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)
	typeLines := typeLines(content)
	for _, n := range names {
		fam := fams[n]
		m := Metric{Name: n, Help: fam.GetHelp(), Type: dtoType(fam.GetType()), Source: filepath.Base(path) + typeLines[n]}
		labels := map[string]bool{}
		for _, s := range fam.GetMetric() {
			for _, lp := range s.GetLabel() {
				labels[lp.GetName()] = true
			}
		}
		delete(labels, model.BucketLabel)
		if m.Type == Summary {
			delete(labels, model.QuantileLabel)
		}
		for l := range labels {
			m.Labels = append(m.Labels, l)
		}
		sort.Strings(m.Labels)
		if m.Type == Histogram {
			for _, s := range fam.GetMetric() {
				if h := s.GetHistogram(); h != nil && m.Buckets == nil {
					for _, b := range h.GetBucket() {
						if !math.IsInf(b.GetUpperBound(), 1) {
							m.Buckets = append(m.Buckets, b.GetUpperBound())
						}
					}
				}
				if h := s.GetHistogram(); h != nil && (h.GetSchema() != 0 || len(h.GetPositiveSpan()) > 0 || h.GetZeroThreshold() > 0) {
					m.NativeHistogram = true
				}
			}
		}
		c.Metrics = append(c.Metrics, m)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func dtoType(t dto.MetricType) Type {
	switch t {
	case dto.MetricType_COUNTER:
		return Counter
	case dto.MetricType_GAUGE:
		return Gauge
	case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
		return Histogram
	case dto.MetricType_SUMMARY:
		return Summary
	default:
		return Untyped
	}
}

// typeLines maps each family to ":N", the line of its first # TYPE line,
// in one pass over the exposition.
func typeLines(content []byte) map[string]string {
	out := map[string]string{}
	line := 0
	for len(content) > 0 {
		line++
		l := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			l, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		rest, ok := bytes.CutPrefix(l, []byte("# TYPE "))
		if !ok {
			continue
		}
		name, _, _ := bytes.Cut(rest, []byte(" "))
		if _, seen := out[string(name)]; !seen {
			out[string(name)] = fmt.Sprintf(":%d", line)
		}
	}
	return out
}

// IsGoSource tells Go source from an exposition: Go source has a package
// clause before anything else that is not a comment.
func IsGoSource(path string, content []byte) bool {
	if strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".go.txt") {
		return true
	}
	for _, l := range strings.Split(string(content), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		return strings.HasPrefix(l, "package ")
	}
	return false
}

// Difference is one way a catalog disagrees with a source of metrics.
type Difference struct {
	Metric string
	Msg    string
}

func (d Difference) String() string { return d.Metric + ": " + d.Msg }

// Compare reports how the catalog disagrees with the metrics that sources
// define: a metric the sources define that the catalog lacks or types
// differently, labels the catalog lacks or has in addition, and catalog
// metrics not marked assumed that no source defines (except the series
// Prometheus writes itself, such as up).
func (c *Catalog) Compare(src *Catalog) []Difference {
	var out []Difference
	for _, sm := range src.Metrics {
		m := c.Metric(sm.Name)
		if m == nil {
			out = append(out, Difference{sm.Name, fmt.Sprintf("defined as a %s in %s but not in the catalog", sm.Type, orUnknown(sm.Source))})
			continue
		}
		if m.Type != sm.Type {
			out = append(out, Difference{sm.Name, fmt.Sprintf("the catalog says %s, %s defines a %s", m.Type, orUnknown(sm.Source), sm.Type)})
		}
		for _, l := range sm.Labels {
			if !slices.Contains(m.Labels, l) {
				out = append(out, Difference{sm.Name, fmt.Sprintf("label %q (from %s) is not in the catalog", l, orUnknown(sm.Source))})
			}
		}
		for _, l := range m.Labels {
			if !slices.Contains(sm.Labels, l) {
				out = append(out, Difference{sm.Name, fmt.Sprintf("the catalog lists label %q, which %s does not define", l, orUnknown(sm.Source))})
			}
		}
		if m.Assumed {
			out = append(out, Difference{sm.Name, fmt.Sprintf("marked assumed, but %s defines it", orUnknown(sm.Source))})
		}
	}
	for _, m := range c.Metrics {
		if _, builtin := ScrapeMetrics[m.Name]; builtin {
			continue
		}
		if src.Metric(m.Name) == nil && !m.Assumed {
			out = append(out, Difference{m.Name, "no source defines it; mark it assumed: true with a note, or remove it"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Metric < out[j].Metric })
	return out
}
