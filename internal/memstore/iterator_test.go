package memstore

import (
	"testing"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/stretchr/testify/assert"
)

type list []Sample

func (l list) Get(i int) chunks.Sample { return l[i] }
func (l list) Len() int                { return len(l) }

// TestIteratorMatchesPrometheus: the store's iterator (over pointers into
// the snapshot) reads what Prometheus's copying list iterator reads over
// sample values, for every sequence of Next and
// Seek, and copies histograms into the one given.
func TestIteratorMatchesPrometheus(t *testing.T) {
	fh := &histogram.FloatHistogram{Count: 3, Sum: 1, Schema: 0, PositiveSpans: []histogram.Span{{Offset: 0, Length: 2}}, PositiveBuckets: []float64{1, 2}}
	samples := []Sample{{Ts: 0, V: 1}, {Ts: 10, V: 2}, {Ts: 20, FHist: fh}, {Ts: 30, V: 4}, {Ts: 50, V: 5}}
	for _, ops := range [][]int64{
		{-1, -1, -1, -1, -1, -1},
		{15, -1, 40, -1},
		{0, 0, 10, 5, -1, 100},
		{25, 20, -1},
	} {
		want := storage.NewListSeriesIteratorWithCopy(list(samples))
		got := (&series{samples: samples}).Iterator(nil)
		for _, op := range ops {
			var wt, gt chunkenc.ValueType
			if op < 0 {
				wt, gt = want.Next(), got.Next()
			} else {
				wt, gt = want.Seek(op), got.Seek(op)
			}
			assert.Equal(t, wt, gt, "ops %v", ops)
			switch wt {
			case chunkenc.ValFloat:
				wts, wv := want.At()
				gts, gv := got.At()
				assert.Equal(t, wts, gts)
				assert.Equal(t, wv, gv)
			case chunkenc.ValFloatHistogram:
				into := &histogram.FloatHistogram{}
				_, h := got.AtFloatHistogram(into)
				assert.Same(t, into, h, "copied into the histogram given")
				assert.True(t, fh.Equals(h))
				assert.NotSame(t, fh, h)
			}
			if wt != chunkenc.ValNone {
				assert.Equal(t, want.AtT(), got.AtT())
			}
		}
	}
}

func TestIteratorAllocatesNothingPerSample(t *testing.T) {
	samples := make([]Sample, 10000)
	for i := range samples {
		samples[i] = Sample{Ts: int64(i), V: float64(i)}
	}
	s := &series{samples: samples}
	allocs := testing.AllocsPerRun(10, func() {
		it := s.Iterator(nil)
		for it.Next() != chunkenc.ValNone {
			_, _ = it.At()
		}
	})
	assert.LessOrEqual(t, allocs, 2.0, "allocations per series, not per sample")
}
