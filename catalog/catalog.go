// Package catalog describes the metrics a monitored system exports: for each
// metric its name, type, labels, help text, the scrape job that exports it
// and that job's scrape interval. "rulecheck lint" checks rule and dashboard
// expressions against a catalog; "rulecheck catalog" builds one from Go
// source that defines metrics with client_golang or from a Prometheus text
// exposition. The file format is documented in docs/catalog.md.
package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
)

// Type is a metric type as client_golang and the exposition formats name it.
type Type string

// Metric types.
const (
	Counter   Type = "counter"
	Gauge     Type = "gauge"
	Histogram Type = "histogram"
	Summary   Type = "summary"
	Untyped   Type = "untyped"
)

// Valid reports whether t is one of the known types.
func (t Type) Valid() bool {
	switch t {
	case Counter, Gauge, Histogram, Summary, Untyped:
		return true
	}
	return false
}

// Job is a scrape job: the targets one ServiceMonitor or scrape config
// selects, scraped at one interval.
type Job struct {
	Name           string         `yaml:"name"`
	ScrapeInterval model.Duration `yaml:"scrape_interval"`
	// Labels are the target labels the job adds to every series besides job
	// and instance, e.g. the operator's namespace, service, pod, container
	// and endpoint.
	Labels []string `yaml:"labels,omitempty,flow"`
	Note   string   `yaml:"note,omitempty"`
}

// Metric is one metric family.
type Metric struct {
	Name string `yaml:"name"`
	Type Type   `yaml:"type"`
	Help string `yaml:"help,omitempty"`
	// Labels are the label names the instrumented code sets. Target labels
	// (job, instance and the job's labels) are added from the jobs; le and
	// quantile are implied by the histogram and summary types.
	Labels []string `yaml:"labels,omitempty,flow"`
	// Jobs name the jobs that export the metric.
	Jobs []string `yaml:"jobs,omitempty,flow"`
	// ScrapeInterval overrides the interval of the metric's jobs.
	ScrapeInterval model.Duration `yaml:"scrape_interval,omitempty"`
	// Buckets are a classic histogram's upper bounds, without +Inf, when
	// known.
	Buckets []float64 `yaml:"buckets,omitempty,flow"`
	// NativeHistogram marks a histogram exported as a native histogram:
	// its bare name then selects series.
	NativeHistogram bool `yaml:"native_histogram,omitempty"`
	// Range is a gauge's lowest and highest possible value, when known
	// ([0, 1] for a ratio); Values lists every value it takes, when there
	// are few ([0, 1] for a flag).
	Range  []float64 `yaml:"range,omitempty,flow"`
	Values []float64 `yaml:"values,omitempty,flow"`
	// Source says where the definition comes from, e.g. "metrics.go:23".
	Source string `yaml:"source,omitempty"`
	// Assumed marks a metric no source defines: it is in the catalog
	// because rules or dashboards use it, its type and labels are guesses.
	Assumed bool   `yaml:"assumed,omitempty"`
	Note    string `yaml:"note,omitempty"`
}

// Catalog is a set of metrics and the jobs that export them.
type Catalog struct {
	// DefaultScrapeInterval applies to metrics with neither jobs nor an
	// interval of their own; unset means Prometheus's default of 1m.
	DefaultScrapeInterval model.Duration `yaml:"default_scrape_interval,omitempty"`
	Jobs                  []Job          `yaml:"jobs,omitempty"`
	Metrics               []Metric       `yaml:"metrics"`

	// Path is the file the catalog was read from, if any.
	Path string `yaml:"-"`

	byName map[string]*Metric
	byJob  map[string]*Job
}

// BuiltinLabels are the target labels every scraped series carries.
var BuiltinLabels = []string{"job", "instance"}

// ScrapeMetrics are the series Prometheus itself writes for every target.
var ScrapeMetrics = map[string]string{
	"up":                                    "1 if the target was scraped successfully, 0 otherwise",
	"scrape_duration_seconds":               "duration of the scrape",
	"scrape_samples_scraped":                "number of samples the target exposed",
	"scrape_samples_post_metric_relabeling": "number of samples left after metric relabelling",
	"scrape_series_added":                   "approximate number of new series in this scrape",
}

// Load reads a catalog file.
func Load(path string) (*Catalog, error) {
	b, err := inputfile.Read(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Path = path
	return c, nil
}

// Parse reads a catalog from YAML and validates it.
func Parse(b []byte) (*Catalog, error) {
	var c Catalog
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("invalid catalog: empty file")
	}
	if err := yamlsafe.DecodeStrict(b, &c); err != nil {
		return nil, fmt.Errorf("invalid catalog: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks the catalog and builds its indexes.
func (c *Catalog) Validate() error {
	var errs []error
	c.byName = map[string]*Metric{}
	c.byJob = map[string]*Job{}
	for i := range c.Jobs {
		j := &c.Jobs[i]
		if j.Name == "" {
			errs = append(errs, fmt.Errorf("job %d has no name", i+1))
			continue
		}
		if _, dup := c.byJob[j.Name]; dup {
			errs = append(errs, fmt.Errorf("job %q is listed twice", j.Name))
		}
		if j.ScrapeInterval <= 0 {
			errs = append(errs, fmt.Errorf("job %q has no scrape_interval", j.Name))
		}
		c.byJob[j.Name] = j
	}
	for i := range c.Metrics {
		m := &c.Metrics[i]
		if !model.UTF8Validation.IsValidMetricName(m.Name) || m.Name == "" {
			errs = append(errs, fmt.Errorf("metric %d: invalid name %q", i+1, m.Name))
			continue
		}
		if _, dup := c.byName[m.Name]; dup {
			errs = append(errs, fmt.Errorf("metric %q is listed twice", m.Name))
		}
		if m.Type == "" {
			m.Type = Untyped
		}
		if !m.Type.Valid() {
			errs = append(errs, fmt.Errorf("metric %q: unknown type %q (expected counter, gauge, histogram, summary or untyped)", m.Name, m.Type))
		}
		for _, l := range m.Labels {
			if !model.UTF8Validation.IsValidLabelName(l) || l == model.MetricNameLabel {
				errs = append(errs, fmt.Errorf("metric %q: invalid label name %q", m.Name, l))
			}
		}
		for _, jn := range m.Jobs {
			if _, ok := c.byJob[jn]; !ok {
				errs = append(errs, fmt.Errorf("metric %q: job %q is not in the jobs list", m.Name, jn))
			}
		}
		c.byName[m.Name] = m
	}
	return errors.Join(errs...)
}

func (c *Catalog) index() {
	if c.byName == nil {
		_ = c.Validate()
	}
}

// Metric returns the metric family called name, or nil.
func (c *Catalog) Metric(name string) *Metric {
	if c == nil {
		return nil
	}
	c.index()
	return c.byName[name]
}

// Job returns the job called name, or nil.
func (c *Catalog) Job(name string) *Job {
	if c == nil {
		return nil
	}
	c.index()
	return c.byJob[name]
}

// Kind is what a series of a metric family holds.
type Kind int

// Series kinds.
const (
	// KindUnknown is an untyped series.
	KindUnknown Kind = iota
	// KindCounter only goes up, except on resets.
	KindCounter
	// KindGauge goes up and down.
	KindGauge
	// KindBucket is a classic histogram's _bucket counter, with an le label.
	KindBucket
	// KindNativeHistogram is a native histogram sample.
	KindNativeHistogram
	// KindQuantile is a summary's quantile gauge, with a quantile label.
	KindQuantile
	// KindNone is a name a classic histogram family does not export: its
	// bare name.
	KindNone
)

func (k Kind) String() string {
	return [...]string{"untyped", "counter", "gauge", "histogram bucket counter", "native histogram", "summary quantile", "no series"}[k]
}

// Series is what a series name resolves to.
type Series struct {
	Name   string
	Metric *Metric
	// Suffix is the part of the name after the family name: "_bucket",
	// "_sum", "_count" or "".
	Suffix string
	Kind   Kind
	// Builtin marks a series Prometheus writes for every target (up, ...).
	Builtin bool
}

// Lookup resolves a series name to its metric family. It returns false for
// a name the catalog does not know.
func (c *Catalog) Lookup(name string) (Series, bool) {
	if m := c.Metric(name); m != nil {
		s := Series{Name: name, Metric: m}
		switch m.Type {
		case Counter:
			s.Kind = KindCounter
		case Gauge:
			s.Kind = KindGauge
		case Histogram:
			s.Kind = KindNone
			if m.NativeHistogram {
				s.Kind = KindNativeHistogram
			}
		case Summary:
			s.Kind = KindQuantile
		default:
			s.Kind = KindUnknown
		}
		return s, true
	}
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		base, ok := strings.CutSuffix(name, suf)
		if !ok {
			continue
		}
		m := c.Metric(base)
		if m == nil || (m.Type != Histogram && m.Type != Summary) || (suf == "_bucket" && m.Type != Histogram) {
			continue
		}
		kind := KindCounter
		if suf == "_bucket" {
			kind = KindBucket
		}
		return Series{Name: name, Metric: m, Suffix: suf, Kind: kind}, true
	}
	if help, ok := ScrapeMetrics[name]; ok {
		kind := KindGauge
		return Series{Name: name, Metric: &Metric{Name: name, Type: Gauge, Help: help, Jobs: c.jobNames()}, Kind: kind, Builtin: true}, true
	}
	return Series{Name: name}, false
}

func (c *Catalog) jobNames() []string {
	if c == nil {
		return nil
	}
	out := make([]string, len(c.Jobs))
	for i, j := range c.Jobs {
		out[i] = j.Name
	}
	return out
}

// Labels returns every label a series of the family can carry: its own
// labels, le or quantile, job, instance and the target labels of its jobs.
// Series of a metric without jobs may carry any target label, so the result
// is marked open.
func (c *Catalog) Labels(s Series) (names []string, open bool) {
	set := map[string]bool{}
	for _, l := range BuiltinLabels {
		set[l] = true
	}
	m := s.Metric
	if m == nil {
		return nil, true
	}
	for _, l := range m.Labels {
		set[l] = true
	}
	switch {
	case s.Kind == KindBucket:
		set[model.BucketLabel] = true
	case s.Kind == KindQuantile:
		set[model.QuantileLabel] = true
	}
	jobs := m.Jobs
	if s.Builtin {
		jobs = c.jobNames()
	}
	if len(jobs) == 0 {
		open = true
	}
	for _, jn := range jobs {
		if j := c.Job(jn); j != nil {
			for _, l := range j.Labels {
				set[l] = true
			}
		}
	}
	names = make([]string, 0, len(set))
	for l := range set {
		names = append(names, l)
	}
	sort.Strings(names)
	return names, open
}

// ScrapeInterval is how often series of the family are scraped: the
// metric's own interval, else the longest interval of its jobs (of the
// jobs named in onlyJobs, when given, e.g. from a job="..." matcher), else
// the catalog's default.
func (c *Catalog) ScrapeInterval(s Series, onlyJobs ...string) time.Duration {
	if s.Metric != nil && s.Metric.ScrapeInterval > 0 {
		return time.Duration(s.Metric.ScrapeInterval)
	}
	var jobs []string
	if s.Metric != nil {
		jobs = s.Metric.Jobs
	}
	if s.Builtin {
		jobs = c.jobNames()
	}
	if len(onlyJobs) > 0 {
		var keep []string
		for _, j := range jobs {
			if slices.Contains(onlyJobs, j) {
				keep = append(keep, j)
			}
		}
		if len(keep) > 0 {
			jobs = keep
		}
	}
	var longest time.Duration
	for _, jn := range jobs {
		if j := c.Job(jn); j != nil && time.Duration(j.ScrapeInterval) > longest {
			longest = time.Duration(j.ScrapeInterval)
		}
	}
	if longest > 0 {
		return longest
	}
	return c.defaultInterval()
}

func (c *Catalog) defaultInterval() time.Duration {
	if c != nil && c.DefaultScrapeInterval > 0 {
		return time.Duration(c.DefaultScrapeInterval)
	}
	return time.Minute
}

// Names returns the series names a family exports: the counter or gauge
// name, a histogram's _bucket, _sum and _count, a summary's name, _sum and
// _count.
func (m *Metric) Names() []string {
	switch m.Type {
	case Histogram:
		out := []string{m.Name + "_bucket", m.Name + "_sum", m.Name + "_count"}
		if m.NativeHistogram {
			out = append([]string{m.Name}, out...)
		}
		return out
	case Summary:
		return []string{m.Name, m.Name + "_sum", m.Name + "_count"}
	default:
		return []string{m.Name}
	}
}

// Marshal writes the catalog as YAML, metrics sorted by name.
func (c *Catalog) Marshal() ([]byte, error) {
	cp := *c
	cp.Metrics = slices.Clone(c.Metrics)
	sort.SliceStable(cp.Metrics, func(i, j int) bool { return cp.Metrics[i].Name < cp.Metrics[j].Name })
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&cp); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Merge adds the metrics of o that c does not have, and fills in the help,
// labels and source of those it has. It returns the conflicts: metrics both
// define with different types.
func (c *Catalog) Merge(o *Catalog) []string {
	c.index()
	var conflicts []string
	var added []Metric
	for _, m := range o.Metrics {
		have := c.byName[m.Name]
		if have == nil {
			// Added after the loop, so the index (pointers into
			// c.Metrics) stays valid and is rebuilt once.
			added = append(added, m)
			continue
		}
		if have.Type != m.Type {
			conflicts = append(conflicts, fmt.Sprintf("%s: %s in %s, %s in %s", m.Name, have.Type, orUnknown(have.Source), m.Type, orUnknown(m.Source)))
		}
		if have.Help == "" {
			have.Help = m.Help
		}
		for _, l := range m.Labels {
			if !slices.Contains(have.Labels, l) {
				have.Labels = append(have.Labels, l)
			}
		}
	}
	if len(added) > 0 {
		c.Metrics = append(c.Metrics, added...)
		c.byName = nil
		c.index()
	}
	return conflicts
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed source"
	}
	return s
}
