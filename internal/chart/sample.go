package chart

import (
	"math"
	"sort"
	"time"
)

// lookback is how long a sample stays current when no newer one follows,
// as in Prometheus's default lookback delta.
const lookback = 5 * time.Minute

// column is the time span [From, To) one drawn column covers.
type column struct{ From, To time.Duration }

// columns splits [0, end] into n equal spans.
func columns(end time.Duration, n int) []column {
	cols := make([]column, n)
	for i := range cols {
		cols[i] = column{From: end * time.Duration(i) / time.Duration(n), To: end * time.Duration(i+1) / time.Duration(n)}
	}
	if n > 0 {
		cols[n-1].To = end + 1
	}
	return cols
}

// downsample gives, per column, the largest value sampled in it (the
// smallest for a Low series) or, when none is, the value current at its
// start (NaN when there is none). It is for drawing only.
func downsample(s Series, cols []column) []float64 {
	out := make([]float64, len(cols))
	for i, c := range cols {
		lo := sort.Search(len(s.At), func(j int) bool { return s.At[j] >= c.From })
		hi := sort.Search(len(s.At), func(j int) bool { return s.At[j] >= c.To })
		v := math.NaN()
		for _, x := range s.Values[lo:hi] {
			if !math.IsNaN(x) && (math.IsNaN(v) || x > v && !s.Low || x < v && s.Low) {
				v = x
			}
		}
		if lo == hi {
			v = valueAt(s, c.From)
		}
		out[i] = v
	}
	return out
}

// valueAt is the value current at t: the last sample at or before t within
// the lookback, else NaN.
func valueAt(s Series, t time.Duration) float64 {
	j := sort.Search(len(s.At), func(j int) bool { return s.At[j] > t }) - 1
	if j < 0 || t-s.At[j] > lookback {
		return math.NaN()
	}
	return s.Values[j]
}

// bounds returns the smallest and largest value drawn, with the threshold.
func bounds(ss []Series, th *Threshold) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, v := range s.Values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if th != nil {
		lo, hi = min(lo, th.Value), max(hi, th.Value)
	}
	return lo, hi, lo <= hi
}

// stateColumns gives, per column, the weightiest state of the instants in
// it (firing over pending over not firing over inactive), and the column
// the instant at index mark falls in. Unless sparse, a column with no
// instant keeps the state of the last instant before it.
func stateColumns(at []time.Duration, st []State, cols []column, mark int, sparse bool) (out []State, marked int) {
	out = make([]State, len(cols))
	marked = -1
	ci := 0
	for i, t := range at {
		for ci < len(cols)-1 && t >= cols[ci].To {
			ci++
			if !sparse && i > 0 && out[ci] == Unknown {
				out[ci] = st[i-1]
			}
		}
		if weight(st[i]) > weight(out[ci]) {
			out[ci] = st[i]
		}
		if i == mark {
			marked = ci
		}
	}
	return out, marked
}

func weight(s State) int { return [...]int{0, 1, 3, 4, 2}[s] }

// stateAtTime is the state after the last instant at or before t.
func stateAtTime(at []time.Duration, st []State, t time.Duration) State {
	j := sort.Search(len(at), func(j int) bool { return at[j] > t }) - 1
	if j < 0 || j >= len(st) {
		return Unknown
	}
	return st[j]
}
