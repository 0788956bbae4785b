package chart

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// TextOptions say how a chart is drawn for a terminal.
type TextOptions struct {
	// Width is the number of columns the chart fits in (100 when 0).
	Width int
	// ASCII draws with ASCII characters only; Color adds ANSI colours (the
	// chart reads the same without them).
	ASCII, Color bool
	// At, when set, adds the values and states at that instant.
	At *time.Duration
}

// glyphs are the characters a chart is drawn with.
type glyphs struct {
	levels                         []rune
	states                         [5]rune // by State
	holds, fails, axis, tick, mark rune
	diff, left, corner, ellipsis   rune
}

var (
	unicodeGlyphs = glyphs{levels: []rune("▁▂▃▄▅▆▇█"), states: [5]rune{' ', '·', '▒', '█', '○'},
		holds: '▀', fails: '·', axis: '─', tick: '┴', mark: '▲', diff: '▲', left: '│', corner: '└', ellipsis: '…'}
	asciiGlyphs = glyphs{levels: []rune("_.,-=+*#"), states: [5]rune{' ', '.', 'p', 'F', 'o'},
		holds: '+', fails: '.', axis: '-', tick: '+', mark: '^', diff: '^', left: '|', corner: '+', ellipsis: '~'}
)

const (
	labelWidth = 26
	rangeWidth = 16
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
)

// text draws one chart.
type text struct {
	w    io.Writer
	o    TextOptions
	g    glyphs
	plot int
	cols []column
	err  error
}

// WriteText draws a chart for a terminal.
func WriteText(w io.Writer, c *Chart, o TextOptions) error {
	if o.Width == 0 {
		o.Width = 100
	}
	t := &text{w: w, o: o, g: unicodeGlyphs, plot: max(o.Width-labelWidth-rangeWidth-1, 10)}
	if o.ASCII {
		t.g = asciiGlyphs
	}
	t.cols = columns(c.End, t.plot)
	c = escaped(c)
	verdict := "passed"
	if c.Failed {
		verdict = "FAILED"
	}
	t.line(t.cut(fmt.Sprintf("%s (%s)", c.Title, verdict), o.Width))
	t.line(t.cut("  "+c.Pos, o.Width))
	for _, s := range c.Inputs {
		t.sparkline(s, nil)
	}
	for _, a := range c.Alerts {
		t.alert(a)
	}
	t.axis(c)
	if o.At != nil {
		t.at(c, *o.At)
	}
	return t.err
}

func (t *text) line(s string) {
	if !t.o.Color {
		// Lines with colour codes are cut before painting.
		s = t.cut(s, t.o.Width)
	}
	if t.err == nil {
		_, t.err = io.WriteString(t.w, strings.TrimRight(s, " ")+"\n")
	}
}

// row writes a label, the plot columns and the right-hand note.
func (t *text) row(label, plot, note string) {
	t.line(t.pad(t.cut(label, labelWidth-1), labelWidth-1) + string(t.g.left) + plot + " " + t.cut(note, rangeWidth-1))
}

func (t *text) cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + string(t.g.ellipsis)
}

func (t *text) pad(s string, n int) string {
	return s + strings.Repeat(" ", max(n-len([]rune(s)), 0))
}

func (t *text) paint(s, colour string) string {
	if !t.o.Color || colour == "" {
		return s
	}
	return colour + s + ansiReset
}

// sparkline draws a series scaled between its bounds (and the threshold).
func (t *text) sparkline(s Series, th *Threshold) {
	lo, hi, ok := bounds([]Series{s}, th)
	var b strings.Builder
	for _, v := range downsample(s, t.cols) {
		switch {
		case math.IsNaN(v):
			b.WriteRune(' ')
		case !ok || hi == lo:
			// A constant series sits mid-row: its level says nothing.
			b.WriteRune(t.g.levels[len(t.g.levels)/2])
		default:
			i := int(math.Round((v - lo) / (hi - lo) * float64(len(t.g.levels)-1)))
			b.WriteRune(t.g.levels[min(max(i, 0), len(t.g.levels)-1)])
		}
	}
	note := ""
	if ok {
		note = formatValue(lo) + ".." + formatValue(hi)
	}
	t.row(s.Name, b.String(), note)
}

// alert draws an alert's value against its threshold and its bands.
func (t *text) alert(a Alert) {
	for _, s := range a.Values {
		s.Name = a.Name + " " + s.Name
		if a.Threshold == nil {
			s.Name = a.Name + " value " + s.Name
		}
		t.sparkline(s, a.Threshold)
		if a.Threshold != nil {
			t.condition(s, a.Threshold)
		}
	}
	for _, b := range a.Bands {
		t.band(a.Name, b)
	}
}

// condition marks the columns where the comparison holds.
func (t *text) condition(s Series, th *Threshold) {
	var b strings.Builder
	for _, v := range downsample(s, t.cols) {
		switch {
		case math.IsNaN(v):
			b.WriteRune(' ')
		case th.Holds(v):
			b.WriteString(t.paint(string(t.g.holds), ansiRed))
		default:
			b.WriteRune(t.g.fails)
		}
	}
	t.row("  "+th.String(), b.String(), "")
}

// band draws the expected and actual states of one label set and marks
// where they first differ.
func (t *text) band(alert string, b Band) {
	t.line(t.cut(alert+b.Labels, t.o.Width))
	mark := -1
	if b.Expected != nil {
		var col int
		mark = b.FirstDiff
		t.row("  expected", t.states(b.At, b.Expected, mark, b.Sparse, &col), "")
	}
	var col int
	t.row("  actual", t.states(b.At, b.Actual, mark, false, &col), "")
	if mark >= 0 {
		note := fmt.Sprintf("first differs at %s: expected %s, got %s", fixture.FormatDuration(b.At[mark]), b.Expected[mark], b.Actual[mark])
		pre := strings.Repeat(" ", labelWidth+col)
		if labelWidth+col+len(note)+2 > t.o.Width {
			// Not enough room after the mark: the note goes before it.
			pre = t.pad(t.cut(note, labelWidth+col-1), labelWidth+col)
			note = ""
		}
		t.line(pre + t.paint(string(t.g.diff), ansiBold) + " " + note)
	}
}

func (t *text) states(at []time.Duration, st []State, mark int, sparse bool, col *int) string {
	cs, marked := stateColumns(at, st, t.cols, mark, sparse)
	*col = marked
	var b strings.Builder
	for _, s := range cs {
		r := string(t.g.states[s])
		switch s {
		case Firing:
			r = t.paint(r, ansiRed)
		case Pending:
			r = t.paint(r, ansiYellow)
		}
		b.WriteString(r)
	}
	return b.String()
}

// axis draws the time axis with ticks, times and eval_time marks.
func (t *text) axis(c *Chart) {
	if len(c.Marks) > 0 {
		marks := []rune(strings.Repeat(" ", t.plot))
		for _, m := range c.Marks {
			marks[t.colOf(m)] = t.g.mark
		}
		t.row("eval_time", string(marks), "")
	}
	line := []rune(strings.Repeat(string(t.g.axis), t.plot))
	under := []rune(strings.Repeat(" ", t.plot+rangeWidth))
	for i := 0; i <= 4; i++ {
		at := c.End * time.Duration(i) / 4
		col := t.colOf(at)
		line[col] = t.g.tick
		lbl := []rune(fixture.FormatDuration(at.Round(time.Second)))
		start := col
		if i == 4 {
			start = max(col-len(lbl)+1, 0)
		}
		if start+len(lbl) <= len(under) && (start == 0 || under[start-1] == ' ') {
			copy(under[start:], lbl)
		}
	}
	t.line(t.pad("time", labelWidth-1) + string(t.g.corner) + string(line))
	t.line(strings.Repeat(" ", labelWidth) + string(under))
}

func (t *text) colOf(at time.Duration) int {
	for i, c := range t.cols {
		if at < c.To {
			return i
		}
	}
	return len(t.cols) - 1
}

// at lists the values and states at one instant.
func (t *text) at(c *Chart, at time.Duration) {
	t.line("at " + fixture.FormatDuration(at) + ":")
	for _, s := range c.Inputs {
		t.line("  " + s.Name + " = " + formatValue(valueAt(s, at)))
	}
	for _, a := range c.Alerts {
		for _, s := range a.Values {
			t.line("  " + a.Name + " " + s.Name + " = " + formatValue(valueAt(s, at)))
		}
		for _, b := range a.Bands {
			msg := "  " + stateAtTime(b.At, b.Actual, at).String()
			if b.Expected != nil {
				msg += " (expected " + stateAtTime(b.At, b.Expected, at).String() + ")"
			}
			t.line(msg + ": " + a.Name + b.Labels)
		}
	}
}

// escaped returns a copy of the chart whose names print no control
// characters (a fixture's names are untrusted text).
func escaped(c *Chart) *Chart {
	e := *c
	e.Title, e.Pos = textsafe.Escape(c.Title), textsafe.Escape(c.Pos)
	e.Inputs = escapedSeries(c.Inputs)
	e.Alerts = make([]Alert, len(c.Alerts))
	for i, a := range c.Alerts {
		a.Name = textsafe.Escape(a.Name)
		a.Values = escapedSeries(a.Values)
		a.Bands = slices.Clone(a.Bands)
		for j := range a.Bands {
			a.Bands[j].Labels = textsafe.Escape(a.Bands[j].Labels)
		}
		e.Alerts[i] = a
	}
	return &e
}

func escapedSeries(ss []Series) []Series {
	out := slices.Clone(ss)
	for i := range out {
		out[i].Name = textsafe.Escape(out[i].Name)
	}
	return out
}

// String prints the comparison as written, with its scalar.
func (th *Threshold) String() string {
	if th.ScalarLeft {
		return formatValue(th.Value) + " " + th.Op
	}
	return th.Op + " " + formatValue(th.Value)
}

func formatValue(v float64) string {
	if math.IsNaN(v) {
		return "no value"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
