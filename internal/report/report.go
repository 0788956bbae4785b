package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/prometheus/prometheus/util/junitxml"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// TextOptions select what the text report shows beyond verdicts.
type TextOptions struct {
	Warnings bool
	Timeline bool
	Debug    bool
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
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(textsafe.EscapeText(s), "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

// WriteJUnit writes JUnit XML as promtool does: one testsuite per file, one
// testcase per test group (named by its name, or unnamed#i), each failure a
// failure element; a file that could not be run gets an error.
func WriteJUnit(w io.Writer, results []*harness.FileResult) error {
	j := &junitxml.JUnitXML{}
	for _, fr := range results {
		s := j.Suite(fr.Path)
		if fr.Err != nil {
			s.Abort(fr.Err)
			continue
		}
		for _, t := range fr.Tests {
			if t.Skipped {
				continue
			}
			s.Case(t.Name)
			for _, f := range t.Failures {
				s.Fail(fmt.Sprintf("%s:%d: %s", fr.Path, f.Line, f.Message))
			}
		}
	}
	if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"); err != nil {
		return err
	}
	return j.WriteXML(w)
}

// JSON is the JSON report's shape: the JUnit structure with positions.
type JSON struct {
	Files []JSONFile `json:"files"`
	// Passed is true when every test group passed.
	Passed bool `json:"passed"`
}

// JSONFile is one test file's result.
type JSONFile struct {
	Path     string     `json:"path"`
	Error    string     `json:"error,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
	Tests    []JSONTest `json:"tests"`
}

// JSONTest is one test group's result.
type JSONTest struct {
	Name     string        `json:"name"`
	Line     int           `json:"line"`
	Status   string        `json:"status"`
	Failures []JSONFailure `json:"failures,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	Timeline []string      `json:"timeline,omitempty"`
}

// JSONFailure is one failure.
type JSONFailure struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// WriteJSON writes the results as indented JSON.
func WriteJSON(w io.Writer, results []*harness.FileResult) error {
	out := JSON{Passed: true, Files: []JSONFile{}}
	for _, fr := range results {
		jf := JSONFile{Path: fr.Path, Warnings: fr.Warnings, Tests: []JSONTest{}}
		if fr.Err != nil {
			jf.Error = fr.Err.Error()
			out.Passed = false
		}
		for _, t := range fr.Tests {
			jt := JSONTest{Name: t.Name, Line: t.Line, Status: "pass", Warnings: t.Warnings}
			switch {
			case t.Skipped:
				jt.Status = "skip"
			case t.Failed():
				jt.Status = "fail"
				out.Passed = false
			}
			for _, f := range t.Failures {
				jt.Failures = append(jt.Failures, JSONFailure{Line: f.Line, Message: f.Message})
			}
			for _, ep := range t.Timeline {
				jt.Timeline = append(jt.Timeline, ep.String())
			}
			jf.Tests = append(jf.Tests, jt)
		}
		out.Files = append(out.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
