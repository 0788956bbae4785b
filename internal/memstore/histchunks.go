package memstore

import (
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// The TSDB does not keep a histogram's counter reset hint as appended: it
// derives the hint on read from how samples fall into chunks. The first
// sample of a chunk reads as UnknownCounterReset, later ones as
// NotCounterReset, and all samples of a gauge chunk as GaugeType. Because
// PromQL results (and promtool's comparison of them) carry these hints,
// the store places float histogram samples into real chunkenc chunks, cut
// where the TSDB head cuts them, and stores the hint each sample will read
// back with.

// headChunkRange is the head's chunk range in promtool's test storage
// (its minimum block duration, 24h).
const headChunkRange = int64(24 * 60 * 60 * 1000)

type histChunks struct {
	chunk           chunkenc.Chunk
	app             chunkenc.Appender
	minTime         int64
	nextAt          int64
	computedEndTime bool
}

func rangeForTimestamp(t, width int64) int64 { return (t/width)*width + width }

// chunkEndTime predicts when to cut a chunk so that samples spread evenly
// over the chunks of the current range, as the TSDB head does.
func chunkEndTime(start, cur, maxT int64, ratioToFull float64) int64 {
	n := float64(maxT-start) / (float64(cur-start+1) * ratioToFull)
	if n <= 1 {
		return maxT
	}
	return int64(float64(start) + float64(maxT-start)/float64(int64(n)))
}

func (hc *histChunks) cut(t int64) {
	hc.chunk = chunkenc.NewFloatHistogramChunk()
	hc.minTime = t
	hc.nextAt = rangeForTimestamp(t, headChunkRange)
	hc.computedEndTime = false
}

// appendFloatHistogram places fh (owned by the store) at t and sets the
// counter reset hint it will be read back with. prevWasHist tells whether
// the series' previous sample was a float histogram.
func (ms *memSeries) appendFloatHistogram(t int64, fh *histogram.FloatHistogram, prevWasHist bool) {
	hc := ms.hist
	created := false
	var prevApp chunkenc.Appender
	if hc == nil || !prevWasHist {
		if hc != nil {
			prevApp = hc.app
		}
		hc = &histChunks{}
		ms.hist = hc
		hc.cut(t)
		created = true
	} else {
		numSamples := hc.chunk.NumSamples()
		numBytes := len(hc.chunk.Bytes())
		target := chunkenc.TargetBytesPerHistogramChunk
		nextRangeStart := hc.nextAt
		if hc.computedEndTime {
			nextRangeStart = rangeForTimestamp(hc.minTime, headChunkRange)
		}
		if !hc.computedEndTime && numBytes >= target/4 {
			hc.nextAt = chunkEndTime(hc.minTime, ms.lastT(), hc.nextAt, float64(target)/float64(numBytes))
			hc.computedEndTime = true
		}
		if (t >= hc.nextAt || numBytes >= target*2) && (numSamples >= chunkenc.MinSamplesPerHistogramChunk || t >= nextRangeStart) {
			prevApp = hc.app
			hc.cut(t)
			created = true
		}
	}
	if created {
		app, err := hc.chunk.Appender()
		if err != nil {
			panic(err) // cannot happen for an empty chunk
		}
		hc.app = app
	} else {
		prevApp = nil
	}
	newChunk, recoded, app, err := hc.app.AppendFloatHistogram(prevApp, 0, t, fh.Copy(), false)
	if err != nil {
		// Only returned with appendOnly set; keep the sample readable anyway.
		fh.CounterResetHint = histogram.UnknownCounterReset
		return
	}
	hc.app = app
	switch {
	case newChunk == nil:
	case recoded:
		hc.chunk = newChunk
	default:
		hc.chunk = newChunk
		hc.minTime = t
		hc.nextAt = rangeForTimestamp(t, headChunkRange)
		created = true
	}
	switch {
	case hc.chunk.(*chunkenc.FloatHistogramChunk).GetCounterResetHeader() == chunkenc.GaugeType:
		fh.CounterResetHint = histogram.GaugeType
	case created || hc.chunk.NumSamples() <= 1:
		fh.CounterResetHint = histogram.UnknownCounterReset
	default:
		fh.CounterResetHint = histogram.NotCounterReset
	}
}

func (ms *memSeries) lastT() int64 {
	if len(ms.samples) == 0 {
		return 0
	}
	return ms.samples[len(ms.samples)-1].Ts
}
