package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/storage"

	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

// engineStorage adapts a Store to storage.Storage, the interface
// Prometheus's PromQL test scripts run against. The scripts append through
// AppenderV2 and read through Querier, which the Store implements; the rest
// is not used by them.
type engineStorage struct {
	*memstore.Store
}

func (engineStorage) Appender(context.Context) storage.Appender { return v1Appender{} }

func (engineStorage) ChunkQuerier(int64, int64) (storage.ChunkQuerier, error) {
	return nil, errors.New("memstore: no chunk querier")
}

func (engineStorage) StartTime() (int64, error) { return 0, nil }
func (engineStorage) Close() error              { return nil }

// v1Appender stands for the older append interface, which the scripts
// never call.
type v1Appender struct{ storage.Appender }

// skipped are the built-in scripts the Store cannot pass, with the reason.
var skipped = map[string]string{
	"testdata/start_timestamps.test": "the Store keeps no start timestamps (ST): input series in rule tests have none, so a replay never stores them",
}

// skipRunner runs the built-in scripts as subtests, skipping those listed.
type skipRunner struct{ *testing.T }

func (r skipRunner) Run(name string, f func(*testing.T)) bool {
	if why, ok := skipped[name]; ok {
		return r.T.Run(name, func(t *testing.T) { t.Skip(why) })
	}
	return r.T.Run(name, f)
}

// TestPrometheusBuiltinScripts holds the Store to the PromQL engine's own
// test suite (promql/promqltest's built-in scripts): every script loads its
// series into a fresh Store and checks the engine's results over it.
func TestPrometheusBuiltinScripts(t *testing.T) {
	engine := promqltest.NewTestEngine(t, false, 5*time.Minute, promqltest.DefaultMaxSamplesPerQuery)
	promqltest.RunBuiltinTestsWithStorage(skipRunner{t}, engine, func(testing.TB) storage.Storage {
		return engineStorage{memstore.New()}
	})
}
