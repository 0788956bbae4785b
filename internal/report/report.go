package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// TextOptions select what the text report shows beyond verdicts.
type TextOptions struct {
	Warnings bool
	Timeline bool
	Debug    bool
	// FailedChart, when set, is called below a failed test group's
	// failures (not for bad input) to draw its chart.
	FailedChart func(w io.Writer, path string, t *harness.TestResult)
}

// WriteText prints one line per test group, failure details under failed
// ones, and a summary line.
func WriteText(w io.Writer, results []*harness.FileResult, opts TextOptions) {
	var pass, fail, skip, files int
	for _, fr := range results {
		files++
		if fr.Err != nil {
			fmt.Fprintf(w, "ERROR %s\n", textsafe.Escape(fr.Path))
			fmt.Fprintf(w, "%s\n", indent(fr.Err.Error(), "      "))
			fail++
			continue
		}
		if opts.Warnings {
			for _, wn := range fr.Warnings {
				fmt.Fprintf(w, "WARN  %s\n", textsafe.Indent(wn, "      "))
			}
			for _, n := range fr.Notes {
				fmt.Fprintf(w, "NOTE  %s\n", textsafe.Indent(n, "      "))
			}
		}
		for _, t := range fr.Tests {
			loc := fmt.Sprintf("%s:%d", textsafe.Escape(fr.Path), t.Line)
			name := textsafe.Escape(t.Name)
			switch {
			case t.Skipped:
				skip++
				continue
			case t.Failed():
				fail++
				// A test group that could not run is bad input (exit 2),
				// labelled as such rather than as a failed test (exit 1).
				label := "FAIL "
				if t.BadInput {
					label = "ERROR"
				}
				fmt.Fprintf(w, "%s %s  %s\n", label, loc, name)
				for _, f := range t.Failures {
					fmt.Fprintf(w, "      %s:%d:\n%s\n", textsafe.Escape(fr.Path), f.Line, indent(f.Message, "        "))
				}
				if opts.FailedChart != nil && !t.BadInput {
					opts.FailedChart(w, fr.Path, t)
				}
			default:
				pass++
				fmt.Fprintf(w, "ok    %s  %s\n", loc, name)
			}
			if opts.Warnings {
				for _, wn := range t.Warnings {
					fmt.Fprintf(w, "WARN  %s\n", textsafe.Indent(wn, "      "))
				}
			}
			if opts.Timeline {
				fmt.Fprintf(w, "      timeline (%d rule group evaluations):\n", t.Evaluations)
				if len(t.Timeline) == 0 {
					fmt.Fprintf(w, "        (no alert was pending or firing)\n")
				}
				for _, ep := range t.Timeline {
					fmt.Fprintf(w, "        %s\n", textsafe.Indent(ep.String(), "        "))
				}
			}
			if opts.Debug {
				writeDebug(w, t)
			}
		}
	}
	summary := fmt.Sprintf("%d test groups in %d files: %d passed, %d failed", pass+fail, files, pass, fail)
	if skip > 0 {
		summary += fmt.Sprintf(", %d skipped", skip)
	}
	fmt.Fprintln(w, summary)
}

// indent escapes s's control characters (keeping its lines) and puts
// prefix before each line: nothing a message holds starts a line where the
// report's own lines start.
// writeDebug prints what promtool's --debug dumps: the input series and
// every series the rules recorded, with their samples (value@time, the
// time relative to the start).
func writeDebug(w io.Writer, t *harness.TestResult) {
	dump := func(title string, series []harness.SeriesOutput) {
		fmt.Fprintf(w, "      %s:\n", title)
		if len(series) == 0 {
			fmt.Fprintf(w, "        (none)\n")
		}
		for _, s := range series {
			fmt.Fprintf(w, "        %s =>", textsafe.Indent(s.Labels.String(), "        "))
			for i := range s.At {
				fmt.Fprintf(w, " %s@%s", strconv.FormatFloat(s.Values[i], 'g', -1, 64), fixture.FormatDuration(s.At[i]))
			}
			fmt.Fprintln(w)
		}
	}
	dump("input series", t.Inputs)
	var recorded []harness.SeriesOutput
	if t.History != nil {
		for _, rh := range t.History.Rules {
			recorded = append(recorded, rh.Output...)
		}
	}
	dump("recorded series", recorded)
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(textsafe.EscapeText(s), "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

// WriteJUnit writes JUnit XML as promtool does: one testsuite per file, one
// testcase per test group (named by its name, or unnamed#i), each failure a
// failure element; a file that could not be run gets an error. Beyond
// promtool it gives each testcase's time and each suite's timestamp and
// time, which CI systems show.
func WriteJUnit(w io.Writer, results []*harness.FileResult) error {
	doc := junitSuites{}
	for _, fr := range results {
		s := junitSuite{Name: fr.Path}
		var started time.Time
		var total time.Duration
		if fr.Err != nil {
			s.Errors++
			s.Cases = append(s.Cases, junitCase{Name: "unknown", Error: fr.Err.Error()})
			s.Tests = 1
			doc.Suites = append(doc.Suites, s)
			continue
		}
		for _, t := range fr.Tests {
			if t.Skipped {
				continue
			}
			c := junitCase{Name: t.Name, Time: seconds(t.Duration)}
			for _, f := range t.Failures {
				c.Failures = append(c.Failures, fmt.Sprintf("%s:%d: %s", fr.Path, f.Line, f.Message))
			}
			s.Failures += len(c.Failures)
			s.Cases = append(s.Cases, c)
			total += t.Duration
			if started.IsZero() || (!t.Started.IsZero() && t.Started.Before(started)) {
				started = t.Started
			}
		}
		s.Tests = len(s.Cases)
		s.Time = seconds(total)
		if !started.IsZero() {
			s.Timestamp = started.Format("2006-01-02T15:04:05")
		}
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"); err != nil {
		return err
	}
	return xml.NewEncoder(w).Encode(doc)
}

// The JUnit XML elements promtool writes, with time attributes.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Time      string      `xml:"time,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name     string   `xml:"name,attr"`
	Time     string   `xml:"time,attr"`
	Failures []string `xml:"failure,omitempty"`
	Error    string   `xml:"error,omitempty"`
}

// seconds formats a duration as JUnit's time attribute.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// JSON is the JSON report's shape: the JUnit structure with positions,
// counts and alert timelines as objects.
type JSON struct {
	Files []JSONFile `json:"files"`
	// Passed is true when every test group passed.
	Passed bool       `json:"passed"`
	Totals JSONCounts `json:"totals"`
}

// JSONCounts count test groups by outcome; a file that could not run
// counts as one failure.
type JSONCounts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// JSONFile is one test file's result.
type JSONFile struct {
	Path     string     `json:"path"`
	Error    string     `json:"error,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
	Notes    []string   `json:"notes,omitempty"`
	Counts   JSONCounts `json:"counts"`
	Tests    []JSONTest `json:"tests"`
}

// JSONTest is one test group's result.
type JSONTest struct {
	Name     string        `json:"name"`
	Line     int           `json:"line"`
	Status   string        `json:"status"`
	Failures []JSONFailure `json:"failures,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	// Timeline is the actual alert timeline; Expected the one the test
	// pins, when it pins one.
	Timeline []JSONEpisode `json:"timeline,omitempty"`
	Expected []JSONEpisode `json:"expected_timeline,omitempty"`
}

// JSONFailure is one failure, at a file and line.
type JSONFailure struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// JSONEpisode is one alert episode: when it became pending, started firing
// and resolved, relative to the replay's start (firing and resolved are
// left out when it never fired or was still active at the end).
type JSONEpisode struct {
	Alert       string            `json:"alert"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Pending     string            `json:"pending"`
	Firing      string            `json:"firing,omitempty"`
	Resolved    string            `json:"resolved,omitempty"`
}

// WriteJSON writes the results as indented JSON.
func WriteJSON(w io.Writer, results []*harness.FileResult) error {
	out := JSON{Passed: true, Files: []JSONFile{}}
	for _, fr := range results {
		jf := jsonFile(fr)
		if jf.Counts.Failed > 0 {
			out.Passed = false
		}
		out.Totals.Passed += jf.Counts.Passed
		out.Totals.Failed += jf.Counts.Failed
		out.Totals.Skipped += jf.Counts.Skipped
		out.Files = append(out.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func jsonFile(fr *harness.FileResult) JSONFile {
	jf := JSONFile{Path: fr.Path, Warnings: fr.Warnings, Notes: fr.Notes, Tests: []JSONTest{}}
	if fr.Err != nil {
		jf.Error = fr.Err.Error()
		jf.Counts.Failed++
	}
	for _, t := range fr.Tests {
		jt := JSONTest{Name: t.Name, Line: t.Line, Status: "pass", Warnings: t.Warnings, Timeline: jsonEpisodes(t.Timeline), Expected: jsonEpisodes(t.Expected)}
		switch {
		case t.Skipped:
			jt.Status = "skip"
			jf.Counts.Skipped++
		case t.Failed():
			jt.Status = "fail"
			jf.Counts.Failed++
		default:
			jf.Counts.Passed++
		}
		for _, f := range t.Failures {
			jt.Failures = append(jt.Failures, JSONFailure{File: fr.Path, Line: f.Line, Message: f.Message})
		}
		jf.Tests = append(jf.Tests, jt)
	}
	return jf
}

func jsonEpisodes(eps []harness.Episode) []JSONEpisode {
	var out []JSONEpisode
	for _, ep := range eps {
		je := JSONEpisode{Alert: ep.Alert, Labels: ep.Labels.Map(), Pending: fixture.FormatDuration(ep.Pending)}
		if ep.Annotations.Len() > 0 {
			je.Annotations = ep.Annotations.Map()
		}
		if ep.Firing != nil {
			je.Firing = fixture.FormatDuration(*ep.Firing)
		}
		if ep.Resolved != nil {
			je.Resolved = fixture.FormatDuration(*ep.Resolved)
		}
		out = append(out, je)
	}
	return out
}
