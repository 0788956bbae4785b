package chart

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// The SVG layout, in pixels.
const (
	svgWidth   = 960
	svgLabel   = 230
	svgPlot    = svgWidth - svgLabel - 20
	svgRow     = 28
	svgBand    = 14
	svgColumns = 240 // points drawn per series
	svgHover   = 120 // hover columns per series
)

// svg draws one chart; it keeps the first write error.
type svg struct {
	w   io.Writer
	c   *Chart
	y   int
	b   strings.Builder
	err error
}

// WriteSVG draws a chart as an inline SVG element: lines for series, a
// dashed line for a threshold, rectangles for states, and a <title> on
// each part for hovering. Series are downsampled for drawing.
func WriteSVG(w io.Writer, c *Chart) error {
	s := &svg{w: w, c: c, y: 8}
	for _, in := range c.Inputs {
		s.series(in, nil, "input")
	}
	for _, a := range c.Alerts {
		for _, v := range a.Values {
			v.Name = a.Name + " " + v.Name
			s.series(v, a.Threshold, "value")
		}
		for _, b := range a.Bands {
			s.band(a.Name, b)
		}
	}
	s.axis()
	height := s.y + 8
	_, err := fmt.Fprintf(w, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n%s</svg>\n",
		svgWidth, height, svgWidth, height, esc(c.Title), s.b.String())
	return err
}

func esc(s string) string { return html.EscapeString(s) }

// x maps a time to a horizontal position.
func (s *svg) x(t time.Duration) float64 {
	if s.c.End <= 0 {
		return svgLabel
	}
	return svgLabel + float64(svgPlot)*float64(t)/float64(s.c.End)
}

func (s *svg) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *svg) label(text, class string, y int) {
	s.printf("<text class=\"%s\" x=\"4\" y=\"%d\"><title>%s</title>%s</text>\n", class, y, esc(text), esc(cutRunes(text, 34)))
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// series draws a line scaled to its row, the threshold dashed.
func (s *svg) series(ser Series, th *Threshold, class string) {
	top, h := s.y, svgRow-6
	lo, hi, ok := bounds([]Series{ser}, th)
	s.label(ser.Name, "name", top+h/2+4)
	if !ok {
		s.y += svgRow
		return
	}
	yOf := func(v float64) float64 {
		if hi == lo {
			return float64(top + h/2)
		}
		return float64(top+h) - (v-lo)/(hi-lo)*float64(h)
	}
	cols := columns(s.c.End, svgColumns)
	vals := downsample(ser, cols)
	var path strings.Builder
	pen := false
	for i, v := range vals {
		if math.IsNaN(v) {
			pen = false
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f", cmd, s.x(cols[i].From), yOf(v))
		pen = true
	}
	s.printf("<rect class=\"row\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", svgLabel, top, svgPlot, h)
	if th != nil {
		s.printf("<line class=\"threshold\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>threshold %s</title></line>\n", svgLabel, svgLabel+svgPlot, yOf(th.Value), yOf(th.Value), esc(th.String()))
	}
	s.printf("<path class=\"%s\" d=\"%s\"/>\n", class, path.String())
	s.hover(ser, top, h)
	s.printf("<text class=\"bound\" x=\"%d\" y=\"%d\">%s</text><text class=\"bound\" x=\"%d\" y=\"%d\">%s</text>\n",
		svgLabel-4, top+8, esc(formatValue(hi)), svgLabel-4, top+h, esc(formatValue(lo)))
	s.y += svgRow
}

// hover lays transparent areas over a series, one per run of columns
// showing the same value, each titled with the value and its span.
func (s *svg) hover(ser Series, top, h int) {
	cols := columns(s.c.End, svgHover)
	vals := make([]float64, len(cols))
	for i, c := range cols {
		vals[i] = valueAt(ser, c.From)
	}
	for i := 0; i < len(cols); {
		j := i
		for j+1 < len(cols) && sameFloat(vals[j+1], vals[i]) {
			j++
		}
		to := min(cols[j].To, s.c.End)
		s.printf("<rect class=\"hover\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s from %s to %s</title></rect>\n",
			s.x(cols[i].From), top, s.x(to)-s.x(cols[i].From), h, esc(formatValue(vals[i])), s.when(cols[i].From.Round(time.Second)), s.when(to.Round(time.Second)))
		i = j + 1
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// band draws the expected and actual states of a label set as runs of
// rectangles, and a line at the first differing instant.
func (s *svg) band(alert string, b Band) {
	s.label(alert+b.Labels, "name", s.y+10)
	s.y += 14
	top := s.y
	expected, actual := b.names()
	if b.Expected != nil {
		s.states(expected, b.At, b.Expected, b.Sparse)
	}
	s.states(actual, b.At, b.Actual, false)
	if b.FirstDiff >= 0 {
		x := s.x(b.At[b.FirstDiff])
		s.printf("<line class=\"diff\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"><title>first differs at %s: %s</title></line>\n",
			x, x, top-4, s.y+2, s.when(b.At[b.FirstDiff]), esc(b.diffText(b.FirstDiff)))
		s.printf("<text class=\"diff\" x=\"%.1f\" y=\"%d\">first differs at %s</text>\n", x+3, top-4, s.when(b.At[b.FirstDiff]))
	}
	s.y += 4
}

func (s *svg) states(which string, at []time.Duration, st []State, sparse bool) {
	s.printf("<text class=\"which\" x=\"%d\" y=\"%d\">%s</text>\n", svgLabel-60, s.y+svgBand-3, esc(which))
	for i := 0; i < len(at); {
		j := i
		for j+1 < len(at) && st[j+1] == st[i] && !sparse {
			j++
		}
		from := at[i]
		to := s.c.End
		if j+1 < len(at) {
			to = at[j+1]
		}
		w := s.x(to) - s.x(from)
		if sparse {
			w = 3
		}
		if st[i] != Unknown {
			s.printf("<rect class=\"st %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s %s from %s to %s</title></rect>\n",
				strings.ReplaceAll(st[i].String(), " ", "-"), s.x(from), s.y, max(w, 1), svgBand, esc(which), st[i], s.when(from), s.when(to))
		}
		i = j + 1
	}
	s.y += svgBand + 2
}

// axis draws the time axis with ticks and the eval_time marks.
func (s *svg) axis() {
	y := s.y + 4
	s.printf("<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n", svgLabel, svgLabel+svgPlot, y, y)
	ticks := s.ticks()
	for i, t := range ticks {
		x := s.x(t)
		anchor := "middle"
		if i == len(ticks)-1 && t == s.c.End {
			anchor = "end"
		}
		s.printf("<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/><text class=\"tick\" text-anchor=\"%s\" x=\"%.1f\" y=\"%d\">%s</text>\n",
			x, x, y, y+4, anchor, x, y+16, s.tick(t))
	}
	for _, m := range s.c.Marks {
		x := s.x(m)
		s.printf("<path class=\"mark\" d=\"M%.1f %dl-4 7h8z\"><title>eval_time %s</title></path>\n", x, y, s.when(m))
	}
	s.y = y + 20
}

// when labels an instant of the axis: an offset from 0, or the UTC time
// when the chart has a Start.
func (s *svg) when(t time.Duration) string {
	if s.c.Start.IsZero() {
		return fixture.FormatDuration(t)
	}
	return s.c.Start.Add(t).UTC().Format("2006-01-02 15:04:05Z")
}

// ticks are where the axis is marked: eighths of it, or with a Start
// round UTC times (midnights, whole hours...), at most 9 of them.
func (s *svg) ticks() []time.Duration {
	var out []time.Duration
	if s.c.Start.IsZero() {
		for i := 0; i <= 8; i++ {
			out = append(out, s.c.End*time.Duration(i)/8)
		}
		return out
	}
	step := tickSteps[len(tickSteps)-1]
	for _, st := range tickSteps {
		if s.c.End/st <= 8 {
			step = st
			break
		}
	}
	first := s.c.Start.Truncate(step)
	if first.Before(s.c.Start) {
		first = first.Add(step)
	}
	for t := first.Sub(s.c.Start); t <= s.c.End; t += step {
		out = append(out, t)
	}
	return out
}

// tickSteps are the spans between ticks on an axis of UTC times.
var tickSteps = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 28 * 24 * time.Hour, 364 * 24 * time.Hour,
}

// tick labels a tick of the axis, shorter than when.
func (s *svg) tick(t time.Duration) string {
	if s.c.Start.IsZero() {
		return fixture.FormatDuration(t.Round(time.Second))
	}
	at := s.c.Start.Add(t).UTC()
	switch {
	case at.Hour() == 0 && at.Minute() == 0 && s.c.End >= 48*time.Hour:
		return at.Format("Jan 2")
	case s.c.End > 24*time.Hour:
		return at.Format("Jan 2 15:04")
	}
	return at.Format("15:04")
}

// diffText says how the two rows differ at index i.
func (b Band) diffText(i int) string {
	if b.ExpectedName == "" && b.ActualName == "" {
		return fmt.Sprintf("expected %s, got %s", b.Expected[i], b.Actual[i])
	}
	expected, actual := b.names()
	return fmt.Sprintf("%s %s, %s %s", expected, b.Expected[i], actual, b.Actual[i])
}
