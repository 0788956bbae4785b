package backtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlertRules(t *testing.T) {
	rs, err := LoadRules(writeRules(t, `groups:
  - name: a
    interval: 30s
    rules:
      - record: x:sum
        expr: sum(up)
      - alert: Down
        expr: up == 0
  - name: b
    rules:
      - alert: Down
        expr: up < 1
      - alert: Low
        expr: x:sum < 2
`), LoadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []AlertRule{
		{Name: "Down", Expr: "up == 0", Interval: 30 * time.Second},
		{Name: "Low", Expr: "x:sum < 2", Interval: time.Minute},
	}, rs.AlertRules())
	assert.Equal(t, rs.Alerts(), []string{"Down", "Low"})
}
