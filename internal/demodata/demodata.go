// Package demodata writes a Prometheus data directory of generated
// CodeValdCortex metrics: real TSDB blocks, written with Prometheus's own
// tsdb package, of agents and the manager scraped as the platform's
// ServiceMonitors scrape them, with planted incidents (an agent down twice,
// a latency spike, a flapping queue, database errors, a failed and a
// long-running workflow) for the backtest to find.
//
// The data is a pure function of the Options: the same options give the
// same samples (the seed drives the noise; the incidents are at fixed
// fractions of the range, see Incidents).
package demodata

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// Options say what to generate. The zero value of a field means its default.
type Options struct {
	// Start is the first scrape (default DefaultStart).
	Start time.Time
	// Days is the length of the range in days (default 7).
	Days int
	// Series is the number of series written (default 200; at least
	// MinSeries). The manager's series are fixed; agents are added until
	// the count is reached, the last one possibly exporting only some of
	// its series.
	Series int
	// Interval is the scrape interval of every target. Zero means the
	// ServiceMonitors' intervals: 10s for the agents, 15s for the manager.
	Interval time.Duration
	// Seed drives the noise (default 1).
	Seed uint64
}

// DefaultStart is the first scrape when Options.Start is zero.
var DefaultStart = time.Date(2026, time.November, 2, 0, 0, 0, 0, time.UTC)

// MinSeries is the smallest Options.Series: the manager's series plus the
// three agents the incidents happen on.
const MinSeries = managerSeries + 3*perAgent

const day = 24 * time.Hour

// Kind classifies an Error.
type Kind int

const (
	// ErrOptions: the options are out of range.
	ErrOptions Kind = iota + 1
	// ErrDir: the destination cannot be used (not empty, not creatable).
	ErrDir
	// ErrWrite: writing a block failed.
	ErrWrite
)

// Error is what Write returns; Kind says what went wrong.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// withDefaults fills the zero fields and checks the ranges.
func (o Options) withDefaults() (Options, error) {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if o.Days == 0 {
		o.Days = 7
	}
	if o.Series == 0 {
		o.Series = 200
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	switch {
	case o.Days < 1 || o.Days > 366:
		return o, &Error{Kind: ErrOptions, Msg: fmt.Sprintf("days %d: want 1 to 366", o.Days)}
	case o.Series < MinSeries || o.Series > 1_000_000:
		return o, &Error{Kind: ErrOptions, Msg: fmt.Sprintf("series %d: want %d to 1000000", o.Series, MinSeries)}
	case o.Interval < 0 || o.Interval%time.Second != 0 || o.Interval > 5*time.Minute:
		return o, &Error{Kind: ErrOptions, Msg: fmt.Sprintf("interval %s: want whole seconds up to 5m", o.Interval)}
	}
	o.Start = o.Start.UTC().Truncate(time.Second)
	return o, nil
}

// End is the end of the range (exclusive).
func (o Options) End() time.Time {
	o, _ = o.withDefaults()
	return o.Start.Add(time.Duration(o.Days) * day)
}

// Summary says what Write wrote.
type Summary struct {
	Series  int
	Samples int64
	Blocks  int
	Start   time.Time
	End     time.Time
}

// Write generates the data and writes it into dir (created if missing,
// which must hold nothing) as one TSDB block per day, and an empty write-ahead log: dir
// can then be opened as a Prometheus data directory.
func Write(ctx context.Context, dir string, opts Options) (Summary, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	if err := emptyDir(dir); err != nil {
		return Summary{}, err
	}
	set := build(o)
	sum := Summary{Series: len(set), Blocks: o.Days, Start: o.Start, End: o.End()}
	counts := make([]int64, o.Days)
	errs := make([]error, o.Days)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for d := range o.Days {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			from := o.Start.Add(time.Duration(d) * day)
			counts[d], errs[d] = writeBlock(ctx, dir, set, o.Start, from, from.Add(day))
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Summary{}, &Error{Kind: ErrWrite, Msg: "writing blocks into " + dir, Err: err}
	}
	// An empty write-ahead log, as a server's data directory has after a
	// clean shutdown, so that the directory opens as one.
	if err := os.Mkdir(filepath.Join(dir, "wal"), 0o755); err != nil {
		return Summary{}, &Error{Kind: ErrWrite, Msg: "creating the write-ahead log directory", Err: err}
	}
	for _, c := range counts {
		sum.Samples += c
	}
	return sum, nil
}

func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &Error{Kind: ErrDir, Msg: "cannot create " + dir, Err: err}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &Error{Kind: ErrDir, Msg: "cannot read " + dir, Err: err}
	}
	if len(entries) > 0 {
		return &Error{Kind: ErrDir, Msg: dir + " is not empty; the demo data goes into an empty directory"}
	}
	return nil
}

// writeBlock writes the samples in [from, to) of every series as one block.
func writeBlock(ctx context.Context, dir string, set []series, start, from, to time.Time) (int64, error) {
	logger := slog.New(slog.DiscardHandler)
	w, err := tsdb.NewBlockWriter(logger, dir, to.Sub(from).Milliseconds())
	if err != nil {
		return 0, err
	}
	defer w.Close()
	// The head refuses samples older than half its range before its newest
	// one, so the samples go in by the hour, every series each hour.
	refs := make([]storage.SeriesRef, len(set))
	var n int64
	for lo := from; lo.Before(to); lo = lo.Add(time.Hour) {
		hi := lo.Add(time.Hour)
		if hi.After(to) {
			hi = to
		}
		app := w.Appender(ctx)
		for i := range set {
			c, err := appendSeries(app, &set[i], &refs[i], start.UnixMilli(), lo.UnixMilli(), hi.UnixMilli())
			if err != nil {
				_ = app.Rollback()
				return 0, err
			}
			n += c
		}
		if err := app.Commit(); err != nil {
			return 0, err
		}
	}
	if _, err := w.Flush(ctx); err != nil {
		return 0, err
	}
	return n, nil
}

// appendSeries appends one series' scrapes in [from, to): its value where
// it is present, a staleness marker at the first scrape where it is gone
// (as Prometheus writes one when a target stops exporting a series or its
// scrape fails), nothing after.
func appendSeries(app storage.Appender, s *series, ref *storage.SeriesRef, start, from, to int64) (int64, error) {
	step := s.interval.Milliseconds()
	k := (from - start + step - 1) / step
	t := start + k*step
	wasPresent := false
	if t-step >= start {
		_, wasPresent = s.value(t - step)
	}
	var n int64
	var err error
	for ; t < to; t += step {
		v, ok := s.value(t)
		switch {
		case ok:
			*ref, err = app.Append(*ref, s.labels, t, v)
		case wasPresent:
			*ref, err = app.Append(*ref, s.labels, t, math.Float64frombits(value.StaleNaN))
		default:
			wasPresent = false
			continue
		}
		if err != nil {
			return n, fmt.Errorf("%s at %d: %w", s.labels, t, err)
		}
		wasPresent = ok
		n++
	}
	return n, nil
}

// series is one generated series: its labels, scrape interval and value
// at a scrape time in milliseconds (ok false where it is not exported).
type series struct {
	labels   labels.Labels
	interval time.Duration
	value    func(t int64) (v float64, ok bool)
}
