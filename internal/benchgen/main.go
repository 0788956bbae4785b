// Command benchgen writes the benchmark suite: promtool-format rule and test
// files shaped like real suites.
//
//	go run ./internal/benchgen -scale 1 -out benchsuite
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
)

func main() {
	scale := flag.Int("scale", 1, "suite scale: rules, steps and series grow with it")
	out := flag.String("out", "benchsuite", "directory to write the suite into")
	flag.Parse()
	files, err := suite.Generate(*out, suite.Scale(*scale))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
	for _, f := range files {
		fmt.Println(f)
	}
}
