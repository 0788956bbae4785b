package main

import (
	"os"
	"runtime/debug"
)

// tuneGCForReplay sets the collector for replays, which allocate many
// short-lived objects (query results, rendered templates) and hold little:
// collecting less often saves about a third of the CPU time on large
// suites. A soft memory limit makes the collector work
// harder again as the heap nears 100 MiB, so peak memory stays below
// promtool's on the suites measured in docs/performance.md. GOGC and
// GOMEMLIMIT in the environment win.
//
// Only "rulecheck test" replays; lint and catalog keep the runtime's
// defaults.
func tuneGCForReplay() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(100 << 20)
	}
}
