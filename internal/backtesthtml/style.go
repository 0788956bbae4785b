package backtesthtml

const legend = `<p class="legend">States: <svg width="14" height="10"><rect class="st pending" width="14" height="10"/></svg> pending
<svg width="14" height="10"><rect class="st firing" width="14" height="10"/></svg> firing
<svg width="14" height="10"><rect class="st inactive" width="14" height="10"/></svg> inactive;
blue lines: the series the alert's expression reads; purple: its value (the side compared with the threshold), both evaluated at the group's interval and drawn by the largest value of each step (the smallest for an alert on low values);
dashed line: threshold; red line: first instant before and after differ. Times are UTC. Hover for values.</p>
`

// css styles what the backtest report adds to every page's styles.
const css = `
td.changed{color:#b00;font-weight:bold}
section.alert{border:1px solid #ccc;border-left:6px solid #aaa;margin:1em 0;padding:.5em 1em}
section.fired{border-left-color:#e90} section.changed{border-left-color:#c00}
pre.expr{background:#f6f6f6;padding:.3em;white-space:pre-wrap;margin:.2em 0}
p.note{color:#555;font-style:italic;margin:.2em 0}
ul.diff li.added{color:#b00} ul.diff li.removed{color:#27a} ul.diff li.shifted{color:#a60}`
