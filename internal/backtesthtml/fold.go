package backtesthtml

import (
	"math"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
)

// folder folds the samples of range queries into one value per step of
// the drawing: the largest, or the smallest when low. It keeps at most
// track series; the others are only counted.
type folder struct {
	from  time.Time
	step  time.Duration
	n     int
	low   bool
	track int
	kept  map[uint64]*folded
	order []uint64
	seen  map[uint64]bool
}

// folded is one series, one value per step (NaN where it had none).
type folded struct {
	metric labels.Labels
	vals   []float64
}

func newFolder(from, to time.Time, step time.Duration, low bool, track int) *folder {
	return &folder{from: from, step: step, n: int(to.Sub(from)/step) + 1, low: low, track: track, kept: map[uint64]*folded{}, seen: map[uint64]bool{}}
}

func (f *folder) add(m promql.Matrix) {
	for _, s := range m {
		h := s.Metric.Hash()
		f.seen[h] = true
		fs := f.kept[h]
		if fs == nil {
			if len(f.order) == f.track {
				continue
			}
			fs = &folded{metric: s.Metric, vals: nanSlice(f.n)}
			f.kept[h] = fs
			f.order = append(f.order, h)
		}
		for _, p := range s.Floats {
			i := int(time.UnixMilli(p.T).Sub(f.from) / f.step)
			if i >= 0 && i < f.n && f.better(p.F, fs.vals[i]) {
				fs.vals[i] = p.F
			}
		}
	}
}

func (f *folder) better(x, than float64) bool {
	switch {
	case math.IsNaN(x):
		return false
	case math.IsNaN(than):
		return true
	case f.low:
		return x < than
	}
	return x > than
}

// result returns at most keep series, those first keeps true for, and
// the number of series seen.
func (f *folder) result(keep int, first func(labels.Labels) bool) ([]folded, int) {
	out := make([]folded, 0, len(f.order))
	for _, h := range f.order {
		out = append(out, *f.kept[h])
	}
	slices.SortStableFunc(out, func(a, b folded) int { return boolInt(first(b.metric)) - boolInt(first(a.metric)) })
	return out[:min(len(out), keep)], len(f.seen)
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
