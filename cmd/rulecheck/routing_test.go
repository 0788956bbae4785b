package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// Pointing the critical route of CodeValdCortex's Alertmanager at the chat
// receiver fails `rulecheck test` and the Go gate (RunFile + RequirePass,
// as rules_test.go runs fixtures/) at the fixture line that states the
// receiver.
func TestBrokenCriticalRouteFailsAtReceiversLine(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", p))
		require.NoError(t, err)
		return string(b)
	}
	am := read("deploy/alertmanager.yaml")
	critical := "- matchers: [severity=\"critical\"]\n        receiver: platform-pager"
	require.Contains(t, am, critical)
	fx := read("fixtures/agent-down.yaml")
	root := project(t, map[string]string{
		"rules/pweza-core-alerts.yaml": read("rules/pweza-core-alerts.yaml"),
		"deploy/alertmanager.yaml":     strings.Replace(am, critical, "- matchers: [severity=\"critical\"]\n        receiver: platform-chat", 1),
		"fixtures/agent-down.yaml":     fx,
	})
	want := "fixtures/agent-down.yaml:" + strconv.Itoa(firstLine(fx, "    receivers: [platform-pager]")) + ":"

	r := runIn(t, root, "test", "fixtures/agent-down.yaml")
	assert.Equal(t, exitFailed, r.code, "%s%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, want+"\n")
	assert.Contains(t, r.stdout, "receivers [platform-chat], expected [platform-pager]")

	fr := harness.NewRunner(harness.Options{NoCatalog: true}).RunFile(filepath.Join(root, "fixtures/agent-down.yaml"))
	rt := &recordingT{}
	harness.RequirePass(rt, fr)
	assert.True(t, rt.failed)
	assert.Contains(t, strings.Join(rt.logs, "\n"), filepath.Join(root, want))
}

func firstLine(content, line string) int {
	for i, l := range strings.Split(content, "\n") {
		if l == line {
			return i + 1
		}
	}
	return 0
}
