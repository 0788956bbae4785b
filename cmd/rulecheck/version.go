package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// buildVersion is the module version and VCS revision the binary was built
// from, as the Go toolchain records them in the build info: "v1.2.0" for
// go install ...@v1.2.0, "(devel)" plus the revision for a build from a
// checkout.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev == "" {
		return v
	}
	return fmt.Sprintf("%s (revision %s%s)", v, rev, modified)
}

func runVersion(stdout io.Writer) int {
	fmt.Fprintf(stdout, "rulecheck %s\n", buildVersion())
	return exitOK
}
