// Command demotsdb writes the demo Prometheus data directory of package
// demodata (used by "make backtest-demo" and the backtest benchmark):
//
//	go run ./internal/demodata/demotsdb -out DIR [-days 7] [-series 200] [-interval 0] [-seed 1]
//
// It prints what it wrote and the planted incidents.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/codevaldcortex/rulecheck/internal/demodata"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demotsdb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the data directory to write (created; must be empty)")
	var o demodata.Options
	fs.IntVar(&o.Days, "days", 7, "days of data")
	fs.IntVar(&o.Series, "series", 200, fmt.Sprintf("number of series (at least %d)", demodata.MinSeries))
	fs.DurationVar(&o.Interval, "interval", 0, "scrape interval of every target (0: 10s for the agents, 15s for the manager)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the noise")
	start := fs.String("start", demodata.DefaultStart.Format(time.RFC3339), "first scrape (RFC 3339)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "demotsdb: usage: demotsdb -out DIR [-days N] [-series N] [-interval D] [-seed N] [-start T]")
		return 2
	}
	t, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		fmt.Fprintf(stderr, "demotsdb: -start: %v\n", err)
		return 2
	}
	o.Start = t
	began := time.Now()
	sum, err := demodata.Write(context.Background(), *out, o)
	if err != nil {
		var de *demodata.Error
		if errors.As(err, &de) && de.Kind == demodata.ErrWrite {
			fmt.Fprintf(stderr, "demotsdb: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "demotsdb: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "wrote %d series, %d samples in %d blocks, %s to %s, into %s (%.1fs)\n",
		sum.Series, sum.Samples, sum.Blocks, sum.Start.Format(time.RFC3339), sum.End.Format(time.RFC3339), *out,
		time.Since(began).Seconds())
	fmt.Fprintln(stdout, "planted incidents:")
	for _, in := range demodata.Incidents(o) {
		fmt.Fprintf(stdout, "  %-22s %-26s %-20s %s .. %s  %s\n", in.Name, in.Alert, in.Target,
			in.From.Format("Mon 15:04"), in.To.Format("Mon 15:04"), in.What)
	}
	return 0
}
