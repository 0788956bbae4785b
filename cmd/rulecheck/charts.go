package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/chart"
)

// chartFlags say how charts are drawn in the terminal.
type chartFlags struct {
	noUnicode bool
	when      string
	width     int
}

func (cf *chartFlags) define(fs *flag.FlagSet, withSwitch bool) {
	fs.BoolVar(&cf.noUnicode, "no-unicode", false, "draw charts with ASCII characters only (the default when the locale is not UTF-8)")
	fs.IntVar(&cf.width, "width", 100, "width of the charts in columns")
	cf.when = "always"
	if withSwitch {
		fs.StringVar(&cf.when, "chart", "auto", "draw a chart below each failed test group: auto (when standard output is a terminal), always or never")
	}
}

func (cf *chartFlags) check() error {
	if cf.when != "auto" && cf.when != "always" && cf.when != "never" {
		return fmt.Errorf("--chart %q: expected auto, always or never", cf.when)
	}
	if cf.width < 40 || cf.width > 1000 {
		return fmt.Errorf("--width %d: expected 40 to 1000 columns", cf.width)
	}
	return nil
}

// textOptions chooses characters and colours for the output: Unicode
// unless asked not to or the locale is not UTF-8, colour only on a
// terminal and never with NO_COLOR.
func (cf *chartFlags) textOptions(out io.Writer) chart.TextOptions {
	return chart.TextOptions{Width: cf.width, ASCII: cf.noUnicode || !utf8Locale(), Color: isTerminal(out) && os.Getenv("NO_COLOR") == ""}
}

// utf8Locale reports whether the locale's character set is UTF-8, the
// first of LC_ALL, LC_CTYPE and LANG that is set deciding.
func utf8Locale() bool {
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if s := os.Getenv(v); s != "" {
			s = strings.ToLower(s)
			return strings.Contains(s, "utf-8") || strings.Contains(s, "utf8")
		}
	}
	return false
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// draws reports whether charts are drawn on out.
func (cf *chartFlags) draws(out io.Writer) bool {
	return cf.when == "always" || cf.when == "auto" && isTerminal(out)
}

// failedChart returns the hook that draws a failed test group's chart
// below its failures, or nil when charts are not drawn on out.
func (cf *chartFlags) failedChart(out io.Writer, b *chart.Builder) func(io.Writer, string, *harness.TestResult) {
	if !cf.draws(out) {
		return nil
	}
	o := cf.textOptions(out)
	return func(w io.Writer, path string, tr *harness.TestResult) {
		if c := b.Build(path, tr); c != nil && len(c.Alerts) > 0 {
			fmt.Fprintln(w)
			_ = chart.WriteText(w, c, o)
			fmt.Fprintln(w)
		}
	}
}
