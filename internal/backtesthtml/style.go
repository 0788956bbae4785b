package backtesthtml

const legend = `<p class="legend">States: <svg width="14" height="10"><rect class="st pending" width="14" height="10"/></svg> pending
<svg width="14" height="10"><rect class="st firing" width="14" height="10"/></svg> firing
<svg width="14" height="10"><rect class="st inactive" width="14" height="10"/></svg> inactive;
blue lines: the series the alert's expression reads; purple: its value (the side compared with the threshold), both evaluated at the group's interval and drawn by the largest value of each step (the smallest for an alert on low values);
dashed line: threshold; red line: first instant before and after differ. Times are UTC. Hover for values.</p>
`

const css = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em;color:#111;background:#fff}
h1{font-size:1.4em} h2{font-size:1.05em;margin:.2em 0}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
td.changed{color:#b00;font-weight:bold}
section.alert{border:1px solid #ccc;border-left:6px solid #aaa;margin:1em 0;padding:.5em 1em}
section.fired{border-left-color:#e90} section.changed{border-left-color:#c00}
pre.expr{background:#f6f6f6;padding:.3em;white-space:pre-wrap;margin:.2em 0}
p.note{color:#555;font-style:italic;margin:.2em 0}
ul.diff li.added{color:#b00} ul.diff li.removed{color:#27a} ul.diff li.shifted{color:#a60}
svg.chart{max-width:100%;height:auto;font:11px monospace}
svg .row{fill:#fafafa;stroke:#eee}
svg .input{fill:none;stroke:#246;stroke-width:1.5}
svg .value{fill:none;stroke:#639;stroke-width:1.5}
svg .threshold{stroke:#c00;stroke-dasharray:5 3}
svg .hover{fill:transparent} svg .hover:hover{fill:rgba(0,0,0,.08)}
svg .st.firing,.legend .firing{fill:#c00} .st.pending{fill:#e90;fill-opacity:.6}
.st.inactive{fill:#ddd}
svg .st:hover{stroke:#000}
svg line.diff{stroke:#c00;stroke-width:2} svg text.diff{fill:#c00;font-weight:bold}
svg .axis{stroke:#555} svg .tick,svg .bound{fill:#555;font-size:10px} svg .bound{text-anchor:end}
svg .which{fill:#333}
`
