package harness

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

// seriesParser parses input series as promtool's loader does: with the
// options of Prometheus's PromQL test language, whatever the feature flags.
var seriesParser = parser.NewParser(parser.Options{
	EnableExperimentalFunctions: true,
	EnableBinopFillModifiers:    true,
	EnableUnquotedUTF8Names:     true,
})

// loadedSeries is one input series, expanded.
type loadedSeries struct {
	lset    labels.Labels
	samples []memstore.Sample
	line    int
	// next is the index of the first sample not yet appended to storage.
	next int
}

var repeatRE = regexp.MustCompile(`x\s*(\d+)`)

// estimateSamples counts, without expanding, how many samples a values string
// asks for: each "xN" repeats N more times. It over-counts rather than
// under-counts, so it is safe as a guard before expansion.
func estimateSamples(values string) int64 {
	var n int64
	for _, m := range repeatRE.FindAllStringSubmatch(values, -1) {
		v, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || v > 1<<40 {
			return 1 << 40
		}
		n += v + 1
	}
	return n + int64(len(strings.Fields(values)))
}

// loadInputSeries expands a test group's input series as promtool's lazy
// loader does. promtool writes the series into a "load" block of the PromQL
// test language, one line per series, and reads it back; the same rules
// apply here: a blank or comment line ends the block (promtool silently drops
// every series after it; that is returned as a warning), a series text with
// a newline becomes several lines, and a later definition of the same series
// replaces an earlier one.
func loadInputSeries(f *Fixture, tg *TestGroup, lim Limits) ([]*loadedSeries, []string, error) {
	byHash := map[uint64]int{}
	var (
		out      []*loadedSeries
		warnings []string
		total    int64
	)
	for idx, is := range tg.InputSeries {
		for _, line := range strings.Split(is.Series+" "+is.Values, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				if rest := len(tg.InputSeries) - idx; rest > 0 {
					warnings = append(warnings, fmt.Sprintf("%s:%d: test %q: input_series[%d] is empty or a comment; promtool stops reading input series there and ignores %d series", f.Path, is.Line, tg.Name, idx, rest))
				}
				return out, warnings, nil
			}
			est := estimateSamples(line)
			if lim.MaxSamplesPerSeries > 0 && est > int64(lim.MaxSamplesPerSeries) {
				return nil, nil, &FixtureError{File: f.Path, Line: is.Line, Msg: fmt.Sprintf("test %q: input_series[%d] asks for about %d samples, more than the limit of %d per series (--max-samples-per-series)", tg.Name, idx, est, lim.MaxSamplesPerSeries)}
			}
			total += est
			if lim.MaxSamplesPerTest > 0 && total > int64(lim.MaxSamplesPerTest) {
				return nil, nil, &FixtureError{File: f.Path, Line: is.Line, Msg: fmt.Sprintf("test %q: input series ask for more than the limit of %d samples per test (--max-samples-per-test)", tg.Name, lim.MaxSamplesPerTest)}
			}
			metric, vals, err := seriesParser.ParseSeriesDesc(line)
			if err != nil {
				return nil, nil, &FixtureError{File: f.Path, Line: is.Line, Msg: fmt.Sprintf("test %q: input_series[%d]: %s", tg.Name, idx, cleanParseErr(err))}
			}
			ls := &loadedSeries{lset: metric, line: is.Line}
			ts := tg.Start
			for _, v := range vals {
				if !v.Omitted {
					ls.samples = append(ls.samples, memstore.Sample{Ts: ts.UnixNano() / int64(time.Millisecond), V: v.Value, FHist: v.Histogram})
				}
				ts = ts.Add(tg.Interval)
			}
			h := metric.Hash()
			if prev, ok := byHash[h]; ok {
				out[prev] = ls
				continue
			}
			if lim.MaxSeriesPerTest > 0 && len(out) >= lim.MaxSeriesPerTest {
				return nil, nil, &FixtureError{File: f.Path, Line: is.Line, Msg: fmt.Sprintf("test %q: more than the limit of %d input series per test (--max-series-per-test)", tg.Name, lim.MaxSeriesPerTest)}
			}
			byHash[h] = len(out)
			out = append(out, ls)
		}
	}
	return out, warnings, nil
}

// duplicateSeries returns, for strict mode, input series defined twice.
func duplicateSeries(tg *TestGroup) []Failure {
	seen := map[string]int{}
	var dups []Failure
	for _, is := range tg.InputSeries {
		m, _, err := seriesParser.ParseSeriesDesc(is.Series)
		if err != nil {
			continue
		}
		k := m.String()
		if first, ok := seen[k]; ok {
			dups = append(dups, Failure{is.Line, fmt.Sprintf("series %s is already defined at line %d; promtool keeps only the last definition", k, first)})
			continue
		}
		seen[k] = is.Line
	}
	return dups
}

// cleanParseErr drops the "1:2:" position prefix of a series parse error,
// which counts inside the one-line series text, not the file.
func cleanParseErr(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "parse error: "); i >= 0 {
		return "bad series notation: " + msg[i+len("parse error: "):]
	}
	return msg
}
