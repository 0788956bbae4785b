package fixturegen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/backtest/fixturegen"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/demodata"
)

const rulesFile = "../../rules/pweza-core-alerts.yaml"

// TestFixturesFromEpisodesPass turns the first episode of every alert of a
// day of demo data into a fixture and runs it as `rulecheck test` does
// (strict): it must pass as written. Alerts whose expressions read instant
// values must also reproduce the recorded episode exactly.
func TestFixturesFromEpisodesPass(t *testing.T) {
	o := demodata.Options{Days: 1, Series: demodata.MinSeries}
	dir := filepath.Join(t.TempDir(), "data")
	_, err := demodata.Write(context.Background(), dir, o)
	require.NoError(t, err)
	db, err := backtest.OpenTSDB(dir)
	require.NoError(t, err)
	defer db.Close()
	src := backtest.NewLocal(db, backtest.LocalOptions{})
	rs, err := backtest.LoadRules([]backtest.RuleFile{{Path: rulesFile}}, backtest.LoadOptions{})
	require.NoError(t, err)
	from, to := demodata.DefaultStart, o.End().Add(-time.Second)
	rep, err := backtest.Run(context.Background(), src, rs, backtest.Options{From: from, To: to})
	require.NoError(t, err)

	firsts := map[string]backtest.Episode{}
	for _, e := range rep.Episodes {
		if _, ok := firsts[e.Alert]; !ok && !e.Firing.IsZero() {
			firsts[e.Alert] = e
		}
	}
	require.Len(t, firsts, 8, "every alert fires in a day of demo data")
	exact := map[string]bool{"AgentDown": true, "AgentMessageQueueFull": true, "HighAgentMemoryUsage": true, "LongRunningWorkflow": true}
	out := t.TempDir()
	for alert, ep := range firsts {
		t.Run(alert, func(t *testing.T) {
			path := filepath.Join(out, ep.ID+".yaml")
			res, err := fixturegen.Generate(context.Background(), src, fixturegen.Request{
				Episode: ep, RuleFiles: []string{rulesFile}, Out: path, Source: "demo data", RangeEnd: to,
			})
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, res.Content, 0o644))
			fr := harness.NewRunner(harness.Options{Strict: true, NoCatalog: true}).RunFile(path)
			require.NoError(t, fr.Err)
			for _, tr := range fr.Tests {
				assert.Empty(t, tr.Failures, "%s", res.Content)
			}
			if exact[alert] {
				assert.True(t, res.Reproduced, "%s", res.Content)
			}
			t.Logf("%s: %d series, reproduced %v", ep.ID, res.Series, res.Reproduced)
		})
	}
}

func TestUnknownAlert(t *testing.T) {
	_, err := fixturegen.Generate(context.Background(), nil, fixturegen.Request{
		Episode: backtest.Episode{ID: "Nope-1", Alert: "Nope", Pending: time.Unix(0, 0)}, RuleFiles: []string{rulesFile},
	})
	var be *backtest.Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, backtest.ErrUsage, be.Kind)
}
