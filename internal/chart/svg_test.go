package chart_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/chart"
)

// A chart with a Start labels its axis and titles with UTC times, and a
// band with names labels its rows with them.
func TestSVGAbsoluteTimes(t *testing.T) {
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	band := chart.Band{Labels: `{job="x"}`, At: []time.Duration{0, time.Hour}, Expected: []chart.State{chart.Inactive, chart.Inactive},
		Actual: []chart.State{chart.Inactive, chart.Firing}, FirstDiff: 1}
	tests := []struct {
		name     string
		start    time.Time
		end      time.Duration
		names    [2]string
		contains []string
		absent   []string
	}{
		{"offsets", time.Time{}, 2 * time.Hour, [2]string{}, []string{">2h</text>", "first differs at 1h: expected inactive, got firing", ">expected</text>"}, []string{"2026"}},
		{"one day", start, 2 * time.Hour, [2]string{"before", "after"}, []string{">02:00</text>", "first differs at 2026-11-02 01:00:00Z: before inactive, after firing", ">before</text>", ">after</text>", "after firing from 2026-11-02 01:00:00Z to 2026-11-02 02:00:00Z"}, []string{">expected</text>"}},
		{"a week", start, 7 * 24 * time.Hour, [2]string{"before", "after"}, []string{">Nov 2</text>", ">Nov 9</text>"}, []string{"00:00</text>"}},
		{"two days", start.Add(90 * time.Minute), 48 * time.Hour, [2]string{"before", "after"}, []string{">Nov 2 06:00</text>", ">Nov 3</text>"}, []string{">Nov 2 01:30</text>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := band
			b.ExpectedName, b.ActualName = tc.names[0], tc.names[1]
			c := &chart.Chart{Title: "t", Start: tc.start, End: tc.end, Alerts: []chart.Alert{{Name: "A", Bands: []chart.Band{b}}}}
			var out bytes.Buffer
			require.NoError(t, chart.WriteSVG(&out, c))
			for _, s := range tc.contains {
				assert.Contains(t, out.String(), s)
			}
			for _, s := range tc.absent {
				assert.NotContains(t, out.String(), s)
			}
		})
	}
}
