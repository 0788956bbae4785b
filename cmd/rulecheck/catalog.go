package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

const catalogUsage = `Usage: rulecheck catalog [flags] SOURCE ...
       rulecheck catalog --check CATALOG [SOURCE ...]

Builds a metric catalog for "rulecheck lint" from the sources, or checks an
existing catalog against them. A SOURCE is Go source that defines metrics
with client_golang (prometheus.New* and promauto.New* calls; a file ending
in .go or .go.txt, or starting with a package clause) or a Prometheus text
exposition (the content of a /metrics page). The format of the catalog is
described in docs/catalog.md.

With --check, the catalog is validated and compared with the sources:
metrics the sources define that it lacks or types differently, labels that
differ, and metrics no source defines that are not marked assumed. The exit
status is 1 when they differ. A SOURCE of "-" is read from standard input.

Exit status: 0 on success, 1 when the sources conflict or differ from the
checked catalog, 2 on bad usage or unreadable input.

Examples:
  rulecheck catalog internal/metrics/metrics.go > rules/metrics.yaml
  rulecheck catalog --job api=30s,http_ metrics.go
  curl -s localhost:8080/metrics | rulecheck catalog -
  rulecheck catalog --check rules/metrics.yaml internal/metrics/metrics.go

Flags:
`

// catalogFlags are the flags and arguments of "rulecheck catalog".
type catalogFlags struct {
	check, output string
	jobs          multiFlag
	sources       []string
	args          []string // as given, for the built catalog's header
}

func runCatalog(args []string, stdout, stderr io.Writer) int {
	cf, code, ok := parseCatalogFlags(args, stderr)
	if !ok {
		return code
	}
	return cf.run(stdout, stderr)
}

// parseCatalogFlags reads the command line; ok is false when the command
// is done (help, or bad usage: code says which).
func parseCatalogFlags(args []string, stderr io.Writer) (cf *catalogFlags, code int, ok bool) {
	cf = &catalogFlags{args: args}
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cf.check, "check", "", "compare the sources with the catalog `FILE` instead of building one")
	fs.StringVar(&cf.output, "o", "", "write the catalog to `FILE` instead of standard output")
	fs.Var(&cf.jobs, "job", "add a job to the built catalog: `NAME=INTERVAL[,PREFIX...]`; metrics whose names start with a PREFIX are exported by it (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, catalogUsage)
		fs.PrintDefaults()
	}
	cf.sources, code, ok = parseCommandArgs(fs, args, stderr)
	if !ok {
		return nil, code, false
	}
	if len(cf.sources) == 0 && cf.check == "" {
		fs.Usage()
		return nil, exitBadInput, false
	}
	return cf, exitOK, true
}

// run builds or checks the catalog.
func (cf *catalogFlags) run(stdout, stderr io.Writer) int {
	check, output, jobs, sources, args := cf.check, cf.output, cf.jobs, cf.sources, cf.args
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "rulecheck: "+format+"\n", safeArgs(args)...)
		return exitBadInput
	}
	var out *outfile.File
	if output != "" && check == "" {
		f, err := outfile.Open(output, sources)
		if err != nil {
			return bad("-o: %v", err)
		}
		defer abortReport(f, stderr)
		out = f
	}
	built := &catalog.Catalog{}
	code := exitOK
	for _, path := range sources {
		src, err := readSource(path)
		if err != nil {
			return bad("%v", err)
		}
		var c *catalog.Catalog
		if catalog.IsGoSource(path, src) {
			var warns []catalog.Warning
			c, warns, err = catalog.FromGo(path, src)
			for _, w := range warns {
				fmt.Fprintf(stderr, "rulecheck: warning: %s\n", textsafe.Escape(w.String()))
			}
		} else {
			c, err = catalog.FromExposition(path, src)
		}
		if err != nil {
			return bad("%v", err)
		}
		for _, conflict := range built.Merge(c) {
			fmt.Fprintf(stderr, "rulecheck: conflicting definitions: %s\n", conflict)
			code = exitFailed
		}
	}

	if check != "" {
		have, err := catalog.Load(check)
		if err != nil {
			return bad("%v", err)
		}
		if len(sources) == 0 {
			fmt.Fprintf(stdout, "%s: %d metrics, %d jobs: valid\n", check, len(have.Metrics), len(have.Jobs))
			return code
		}
		diffs := have.Compare(built)
		for _, d := range diffs {
			fmt.Fprintf(stdout, "%s: %s\n", check, d)
		}
		if len(diffs) > 0 {
			return exitFailed
		}
		fmt.Fprintf(stdout, "%s agrees with %s\n", check, strings.Join(sources, ", "))
		return code
	}

	for _, j := range jobs {
		if err := addJob(built, j); err != nil {
			return bad("--job %q: %v", j, err)
		}
	}
	if err := built.Validate(); err != nil {
		return bad("%v", err)
	}
	b, err := built.Marshal()
	if err != nil {
		return bad("%v", err)
	}
	header := "# Metric catalog for rulecheck lint (see docs/catalog.md), built by:\n#   rulecheck catalog " + quoteArgs(args) + "\n"
	if out == nil {
		fmt.Fprint(stdout, header)
		_, _ = stdout.Write(b)
		return code
	}
	fmt.Fprint(out, header)
	_, _ = out.Write(b)
	if err := out.Commit(); err != nil {
		return bad("-o: %v; no catalog written", err)
	}
	return code
}

// addJob reads NAME=INTERVAL[,PREFIX...] and assigns the job to the
// metrics with one of the prefixes.
func addJob(c *catalog.Catalog, spec string) error {
	name, rest, ok := strings.Cut(spec, "=")
	if !ok || name == "" {
		return errors.New("expected NAME=INTERVAL[,PREFIX...]")
	}
	parts := strings.Split(rest, ",")
	d, err := model.ParseDuration(parts[0])
	if err != nil || time.Duration(d) <= 0 {
		return fmt.Errorf("bad interval %q", parts[0])
	}
	c.Jobs = append(c.Jobs, catalog.Job{Name: name, ScrapeInterval: d})
	for i := range c.Metrics {
		m := &c.Metrics[i]
		for _, p := range parts[1:] {
			if strings.HasPrefix(m.Name, p) && !slices.Contains(m.Jobs, name) {
				m.Jobs = append(m.Jobs, name)
			}
		}
	}
	return nil
}

// readSource reads a catalog source: a regular file within the size limit,
// or standard input for "-".
func readSource(path string) ([]byte, error) {
	if path != "-" {
		return inputfile.Read(path)
	}
	b, err := inputfile.ReadLimited(os.Stdin, inputfile.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return b, nil
}

// quoteArgs renders a command line for a YAML comment: arguments made only
// of characters that need no quoting are kept, the others are quoted with
// control characters (a newline in a file name) escaped, so the comment
// stays one line and the catalog stays valid whatever the names.
func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=,:@%+-") == "" {
			out[i] = a
		} else {
			out[i] = strconv.Quote(a)
		}
	}
	return strings.Join(out, " ")
}
