// Package htmlpage holds what rulecheck's self-contained HTML pages (the
// test report and the backtest report) share: a writer that keeps its
// first error, the page's head with the styles every page and every
// embedded chart need, and escaping.
package htmlpage

import (
	"fmt"
	"html"
	"io"

	"github.com/codevaldcortex/rulecheck/internal/chart"
)

// Writer writes a page, keeping the first write error and writing nothing
// after it.
type Writer struct {
	w   io.Writer
	err error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Printf writes formatted text.
func (p *Writer) Printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// Head writes the document up to <body>: the title (escaped) and the
// styles, baseCSS, the page's own css and ChartCSS.
func (p *Writer) Head(title, css string) {
	p.Printf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>%s%s%s</style>\n</head>\n<body>\n",
		Esc(title), baseCSS, css, ChartCSS)
}

// Chart writes a chart as inline SVG.
func (p *Writer) Chart(c *chart.Chart) {
	if p.err == nil {
		p.err = chart.WriteSVG(p.w, c)
	}
}

// Err is the first write error.
func (p *Writer) Err() error { return p.err }

// Esc escapes text for HTML.
func Esc(s string) string { return html.EscapeString(s) }

const baseCSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em;color:#111;background:#fff}
h1{font-size:1.4em} h2{font-size:1.05em;margin:.2em 0}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}`

// ChartCSS styles the classes chart.WriteSVG writes, and the state boxes
// of a page's legend.
const ChartCSS = `
svg.chart{max-width:100%;height:auto;font:11px monospace}
svg .row{fill:#fafafa;stroke:#eee}
svg .input{fill:none;stroke:#246;stroke-width:1.5}
svg .value{fill:none;stroke:#639;stroke-width:1.5}
svg .threshold{stroke:#c00;stroke-dasharray:5 3}
svg .hover{fill:transparent} svg .hover:hover{fill:rgba(0,0,0,.08)}
svg .st.firing,.legend .firing{fill:#c00} .st.pending{fill:#e90;fill-opacity:.6}
.st.inactive{fill:#ddd} .st.not-firing{fill:#9bd}
svg .st:hover{stroke:#000}
svg line.diff{stroke:#c00;stroke-width:2} svg text.diff{fill:#c00;font-weight:bold}
svg .axis{stroke:#555} svg .tick,svg .bound{fill:#555;font-size:10px} svg .bound{text-anchor:end}
svg .mark{fill:#36c}
svg .which{fill:#333}
`
