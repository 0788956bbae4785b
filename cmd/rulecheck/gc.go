package main

import (
	"os"
	"runtime/debug"
)

// A replay allocates many short-lived objects (query results, rendered
// templates) and holds little: collecting less often saves about a third of
// the CPU time on large suites. A soft memory limit makes the collector work
// harder again as the heap nears 100 MiB, so peak memory stays below
// promtool's on the suites measured in docs/performance.md. GOGC and
// GOMEMLIMIT in the environment win.
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(100 << 20)
	}
}
