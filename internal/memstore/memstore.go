// Package memstore is an in-memory sample store made for rule replay.
//
// It implements the parts of Prometheus's storage interfaces that the PromQL
// engine and rule groups use (storage.Queryable and storage.AppendableV2),
// with the append semantics of Prometheus's TSDB head where a verdict can
// depend on them: samples are visible only after Commit, an out-of-order
// sample is rejected with storage.ErrOutOfOrderSample, and a second sample at
// the same timestamp is accepted only when its value is bit-for-bit equal.
//
// promtool keeps the same data in a real TSDB in a temporary directory; a
// replay never needs persistence, compaction or chunk encoding, so keeping
// each series as a plain sorted slice is both simpler and much faster.
package memstore

import (
	"context"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
)

// Sample is one stored sample: a float or a histogram at a millisecond
// timestamp.
type Sample struct {
	Ts    int64
	V     float64
	Hist  *histogram.Histogram
	FHist *histogram.FloatHistogram
}

func (s Sample) typ() chunkenc.ValueType {
	switch {
	case s.FHist != nil:
		return chunkenc.ValFloatHistogram
	case s.Hist != nil:
		return chunkenc.ValHistogram
	default:
		return chunkenc.ValFloat
	}
}

// sameValue reports whether two samples at one timestamp carry the same value,
// as the TSDB head decides it when it sees a duplicate timestamp.
func sameValue(a, b Sample) bool {
	if a.typ() != b.typ() {
		return false
	}
	switch a.typ() {
	case chunkenc.ValFloatHistogram:
		return a.FHist.Equals(b.FHist)
	case chunkenc.ValHistogram:
		return a.Hist.Equals(b.Hist)
	default:
		return math.Float64bits(a.V) == math.Float64bits(b.V)
	}
}

type memSeries struct {
	lset    labels.Labels
	samples []Sample
	// hist tracks histogram chunk boundaries, see histchunks.go.
	hist *histChunks
}

// Store holds series in memory. The zero value is not usable; call New.
type Store struct {
	mtx    sync.RWMutex
	byHash map[uint64][]*memSeries
	byName map[string][]*memSeries
	all    []*memSeries
}

// New returns an empty store.
func New() *Store {
	return &Store{
		byHash: map[uint64][]*memSeries{},
		byName: map[string][]*memSeries{},
	}
}

// NumSeries returns the number of series held.
func (s *Store) NumSeries() int {
	s.mtx.RLock()
	defer s.mtx.RUnlock()
	return len(s.all)
}

// NumSamples returns the number of samples held.
func (s *Store) NumSamples() int {
	s.mtx.RLock()
	defer s.mtx.RUnlock()
	n := 0
	for _, ms := range s.all {
		n += len(ms.samples)
	}
	return n
}

func (s *Store) get(lset labels.Labels) *memSeries {
	for _, ms := range s.byHash[lset.Hash()] {
		if labels.Equal(ms.lset, lset) {
			return ms
		}
	}
	return nil
}

func (s *Store) getOrCreate(lset labels.Labels) *memSeries {
	if ms := s.get(lset); ms != nil {
		return ms
	}
	ms := &memSeries{lset: lset.Copy()}
	h := lset.Hash()
	s.byHash[h] = append(s.byHash[h], ms)
	name := lset.Get(labels.MetricName)
	s.byName[name] = append(s.byName[name], ms)
	s.all = append(s.all, ms)
	return ms
}

// check returns the error the TSDB head would give for appending smp after
// the series' last sample, and whether the sample is a harmless duplicate.
func check(ms *memSeries, smp Sample) (dup bool, err error) {
	if ms == nil || len(ms.samples) == 0 {
		return false, nil
	}
	last := ms.samples[len(ms.samples)-1]
	switch {
	case smp.Ts > last.Ts:
		return false, nil
	case smp.Ts < last.Ts:
		return false, storage.ErrOutOfOrderSample
	case sameValue(last, smp):
		return true, nil
	default:
		return false, storage.ErrDuplicateSampleForTimestamp
	}
}

// AppenderV2 implements storage.AppendableV2.
func (s *Store) AppenderV2(context.Context) storage.AppenderV2 {
	return &appender{store: s}
}

type pending struct {
	lset labels.Labels
	smp  Sample
}

type appender struct {
	store   *Store
	pending []pending
}

func (a *appender) Append(_ storage.SeriesRef, ls labels.Labels, _, t int64, v float64, h *histogram.Histogram, fh *histogram.FloatHistogram, _ storage.AppendV2Options) (storage.SeriesRef, error) {
	smp := Sample{Ts: t, V: v, Hist: h, FHist: fh}
	if fh != nil {
		smp.Hist = nil
	}
	// Validate against committed data and against what this batch already
	// holds for the series, as the head does.
	a.store.mtx.RLock()
	ms := a.store.get(ls)
	_, err := check(ms, smp)
	a.store.mtx.RUnlock()
	if err != nil {
		return 0, err
	}
	for i := len(a.pending) - 1; i >= 0; i-- {
		if labels.Equal(a.pending[i].lset, ls) {
			tmp := &memSeries{samples: []Sample{a.pending[i].smp}}
			if _, err := check(tmp, smp); err != nil {
				return 0, err
			}
			break
		}
	}
	a.pending = append(a.pending, pending{lset: ls, smp: smp})
	return storage.SeriesRef(ls.Hash()), nil
}

func (a *appender) Commit() error {
	a.store.mtx.Lock()
	defer a.store.mtx.Unlock()
	for _, p := range a.pending {
		ms := a.store.getOrCreate(p.lset)
		dup, err := check(ms, p.smp)
		if err != nil || dup {
			continue
		}
		smp := p.smp
		if smp.FHist != nil {
			prevWasHist := len(ms.samples) > 0 && ms.samples[len(ms.samples)-1].FHist != nil
			smp.FHist = smp.FHist.Copy()
			ms.appendFloatHistogram(smp.Ts, smp.FHist, prevWasHist)
		}
		ms.samples = append(ms.samples, smp)
	}
	a.pending = nil
	return nil
}

func (a *appender) Rollback() error {
	a.pending = nil
	return nil
}

// Querier implements storage.Queryable.
func (s *Store) Querier(mint, maxt int64) (storage.Querier, error) {
	return &querier{store: s, mint: mint, maxt: maxt}, nil
}

type querier struct {
	store      *Store
	mint, maxt int64
}

// candidates returns the series a selector may match, using the metric name
// index when the selector names the metric.
func (q *querier) candidates(ms []*labels.Matcher) []*memSeries {
	for _, m := range ms {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return q.store.byName[m.Value]
		}
	}
	return q.store.all
}

// window returns the part of the series' samples inside [mint, maxt].
func window(smps []Sample, mint, maxt int64) []Sample {
	lo := sort.Search(len(smps), func(i int) bool { return smps[i].Ts >= mint })
	hi := sort.Search(len(smps), func(i int) bool { return smps[i].Ts > maxt })
	if lo >= hi {
		return nil
	}
	return smps[lo:hi]
}

func matches(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

func (q *querier) Select(_ context.Context, _ bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	mint, maxt := q.mint, q.maxt
	if hints != nil {
		mint, maxt = max(mint, hints.Start), min(maxt, hints.End)
	}
	q.store.mtx.RLock()
	defer q.store.mtx.RUnlock()
	var out []*series
	for _, m := range q.candidates(ms) {
		if !matches(m.lset, ms) {
			continue
		}
		// Like the TSDB, a series with no sample in the queried range is not
		// returned at all.
		w := window(m.samples, mint, maxt)
		if len(w) == 0 {
			continue
		}
		out = append(out, &series{lset: m.lset, samples: w})
	}
	// Series are always returned sorted; the engine relies on it for some
	// aggregations and it keeps output order stable.
	slices.SortFunc(out, func(a, b *series) int { return labels.Compare(a.lset, b.lset) })
	return &seriesSet{series: out, idx: -1}
}

func (q *querier) LabelValues(_ context.Context, name string, _ *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	q.store.mtx.RLock()
	defer q.store.mtx.RUnlock()
	set := map[string]struct{}{}
	for _, m := range q.candidates(ms) {
		if v := m.lset.Get(name); v != "" && matches(m.lset, ms) && len(window(m.samples, q.mint, q.maxt)) > 0 {
			set[v] = struct{}{}
		}
	}
	return sortedKeys(set), nil, nil
}

func (q *querier) LabelNames(_ context.Context, _ *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	q.store.mtx.RLock()
	defer q.store.mtx.RUnlock()
	set := map[string]struct{}{}
	for _, m := range q.candidates(ms) {
		if matches(m.lset, ms) && len(window(m.samples, q.mint, q.maxt)) > 0 {
			m.lset.Range(func(l labels.Label) { set[l.Name] = struct{}{} })
		}
	}
	return sortedKeys(set), nil, nil
}

func sortedKeys(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (*querier) Close() error { return nil }

type seriesSet struct {
	series []*series
	idx    int
}

func (s *seriesSet) Next() bool                      { s.idx++; return s.idx < len(s.series) }
func (s *seriesSet) At() storage.Series              { return s.series[s.idx] }
func (*seriesSet) Err() error                        { return nil }
func (*seriesSet) Warnings() annotations.Annotations { return nil }

// series is a snapshot of a stored series' samples inside a query window.
// The slice is never modified after it is handed out: appends only ever add
// samples after the end of a series, beyond every snapshot's length.
type series struct {
	lset    labels.Labels
	samples []Sample
}

func (s *series) Labels() labels.Labels { return s.lset }

// Iterator returns Prometheus's list iterator over the snapshot; it copies
// histograms on read, so the engine may modify what it is given. Reading a
// sample allocates nothing: the list hands out pointers into the snapshot,
// where values would each be boxed into an interface on the heap.
func (s *series) Iterator(chunkenc.Iterator) chunkenc.Iterator {
	return storage.NewListSeriesIteratorWithCopy(sampleList(s.samples))
}

type sampleList []Sample

func (l sampleList) Get(i int) chunks.Sample { return &l[i] }
func (l sampleList) Len() int                { return len(l) }

// The methods below make a Sample a chunks.Sample.

func (s Sample) T() int64                      { return s.Ts }
func (Sample) ST() int64                       { return 0 }
func (s Sample) F() float64                    { return s.V }
func (s Sample) H() *histogram.Histogram       { return s.Hist }
func (s Sample) FH() *histogram.FloatHistogram { return s.FHist }
func (s Sample) Type() chunkenc.ValueType      { return s.typ() }
func (s Sample) Copy() chunks.Sample {
	c := s
	if s.Hist != nil {
		c.Hist = s.Hist.Copy()
	}
	if s.FHist != nil {
		c.FHist = s.FHist.Copy()
	}
	return c
}
