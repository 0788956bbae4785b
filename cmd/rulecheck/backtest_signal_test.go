package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBacktestInterruptLeavesNothing: a backtest over --tsdb interrupted
// while it runs removes the sandbox it made in the temporary directory
// and leaves no report.
func TestBacktestInterruptLeavesNothing(t *testing.T) {
	tmp, out := t.TempDir(), t.TempDir()
	report := filepath.Join(out, "report.html")
	cmd := exec.Command(binary(t), "backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", demoTSDB(t),
		"--window", "10m", "--format", "html", "--report", report, "../../rules/pweza-core-alerts.yaml")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	sandboxes := func() []string {
		m, err := filepath.Glob(filepath.Join(tmp, "rulecheck-backtest-*"))
		require.NoError(t, err)
		return m
	}
	// Interrupt once the sandbox is there: the run is under way.
	deadline := time.Now().Add(time.Minute)
	for len(sandboxes()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	require.NotEmpty(t, sandboxes(), "the run made no sandbox")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the run finished before the signal: %s", stderr.String())
	assert.Equal(t, 130, exit.ExitCode())
	assert.Empty(t, sandboxes(), "sandbox left behind")
	assert.NoFileExists(t, report)
	assert.Contains(t, stderr.String(), "no report written, interrupted by interrupt")
}
