package backtest

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/oklog/ulid/v2"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/codevaldcortex/rulecheck/position"
)

// TSDB is a Prometheus data directory or snapshot opened read-only.
type TSDB struct {
	db      *tsdb.DBReadOnly
	q       storage.Querier
	sandbox string
}

// OpenTSDB opens a Prometheus data directory or TSDB snapshot read-only
// with Prometheus's tsdb.OpenDBReadOnly. Prometheus's read-only mode adds a
// segment to the write-ahead log it replays and a sandbox directory beside
// the blocks; so that the user's directory is never changed, it is given a
// sandbox holding links to the blocks' files and a copy of the
// write-ahead log (the last hours of a live server). Errors are *Error of
// kind ErrSource.
func OpenTSDB(dir string) (*TSDB, error) {
	return OpenTSDBIn(dir, "")
}

// OpenTSDBIn is OpenTSDB with the sandbox made in tempDir (the system's
// temporary directory when empty).
func OpenTSDBIn(dir, tempDir string) (*TSDB, error) {
	bad := func(msg string, err error) (*TSDB, error) {
		return nil, &Error{Kind: ErrSource, Range: position.Range{File: dir}, Msg: msg, Err: err}
	}
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return bad("cannot open the TSDB directory", unwrapPath(err))
	case !st.IsDir():
		return bad("is not a directory (--tsdb takes a Prometheus data directory or a snapshot)", nil)
	}
	sandbox, err := os.MkdirTemp(tempDir, "rulecheck-backtest-")
	if err != nil {
		return bad("cannot make a sandbox directory", err)
	}
	t := &TSDB{sandbox: sandbox}
	n, err := mirror(dir, sandbox)
	if err != nil {
		_ = t.Close()
		return bad("cannot read the TSDB directory", err)
	}
	if n == 0 {
		_ = t.Close()
		return bad("holds no TSDB blocks and no write-ahead log: not a Prometheus data directory or snapshot", nil)
	}
	// A snapshot has no log; the read-only DB wants one, so the sandbox
	// gets an empty one.
	if err := os.MkdirAll(filepath.Join(sandbox, "wal"), 0o700); err != nil {
		_ = t.Close()
		return bad("cannot make a sandbox directory", err)
	}
	t.db, err = tsdb.OpenDBReadOnly(sandbox, sandbox, nopLogger)
	if err == nil {
		// One querier over everything, kept for the run: the read-only DB
		// loads the blocks and replays the log at each Querier call.
		t.q, err = t.db.Querier(math.MinInt64, math.MaxInt64)
	}
	if err != nil {
		_ = t.Close()
		return bad("cannot read the TSDB", err)
	}
	return t, nil
}

// Querier implements storage.Queryable: it serves the one querier opened
// with the database (its Select honours the time range in its hints, which
// the engine always gives).
func (t *TSDB) Querier(_, _ int64) (storage.Querier, error) { return noClose{t.q}, nil }

// Close releases the database and removes the sandbox.
func (t *TSDB) Close() error {
	var errs []error
	if t.q != nil {
		errs = append(errs, t.q.Close())
	}
	if t.db != nil {
		errs = append(errs, t.db.Close())
	}
	errs = append(errs, os.RemoveAll(t.sandbox))
	return errors.Join(errs...)
}

type noClose struct{ storage.Querier }

func (noClose) Close() error { return nil }

// mirror fills sandbox with what the read-only DB reads of dir: per block
// a directory of links to its files, and copies of the write-ahead logs
// and head chunks. It returns how many blocks and logs it found.
func mirror(dir, sandbox string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		src, dst := filepath.Join(dir, e.Name()), filepath.Join(sandbox, e.Name())
		switch {
		case !e.IsDir():
		case isULID(e.Name()):
			if _, err := os.Stat(filepath.Join(src, "meta.json")); err != nil {
				continue
			}
			n++
			if err := linkFiles(src, dst); err != nil {
				return n, err
			}
		case e.Name() == "wal" || e.Name() == "wbl" || e.Name() == "chunks_head":
			if e.Name() == "wal" {
				n++
			}
			if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func isULID(name string) bool {
	_, err := ulid.ParseStrict(name)
	return err == nil
}

// linkFiles makes dst a directory of symbolic links to the entries of src.
func linkFiles(src, dst string) error {
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	if err := os.Mkdir(dst, 0o700); err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join(abs, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// HasData reports whether q holds a sample of any series in [mint, maxt]
// (milliseconds). It stops at the first series that has one.
func HasData(ctx context.Context, q storage.Queryable, mint, maxt int64) (bool, error) {
	qr, err := q.Querier(mint, maxt)
	if err != nil {
		return false, err
	}
	defer qr.Close()
	m := labels.MustNewMatcher(labels.MatchRegexp, labels.MetricName, ".+")
	ss := qr.Select(ctx, false, &storage.SelectHints{Start: mint, End: maxt}, m)
	for ss.Next() {
		it := ss.At().Iterator(nil)
		if it.Next() != 0 {
			return true, nil
		}
		if err := it.Err(); err != nil {
			return false, err
		}
	}
	return false, ss.Err()
}
