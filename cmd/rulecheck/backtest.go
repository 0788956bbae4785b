package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/backtesthtml"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/internal/tmplbound"
)

const backtestUsage = `Usage: rulecheck backtest --from TIME --to TIME (--tsdb DIR | --remote-read URL | --query-api URL) [flags] RULE_FILE or DIR ...

Replays the rules over recorded data as a Prometheus server would have
evaluated them: each group at its own interval (aligned as the server aligns
it), in file order, recording rules written and read back within the run,
for, keep_firing_for, query_offset and limit, all by Prometheus's own rule
evaluation. Reports per alert its episodes (labels, pending, firing,
resolved), the number of episodes, total and median firing time, flaps
(firing again within --flap-window of resolving) and the share of the range
spent firing.

The data comes from exactly one source. --tsdb is a Prometheus data
directory or a snapshot; it is opened read-only and never changed.
--remote-read streams the series from a remote-read endpoint (Prometheus,
Thanos, Mimir, VictoriaMetrics) and evaluates them locally, with the same
semantics as --tsdb. --query-api sends each rule's expression to a
Prometheus-compatible query API as range queries and runs the alert state
machine locally; it cannot evaluate recording rules the server does not
already have, and fails when a rule reads one.
 Rule files are plain Prometheus rule files or
PrometheusRule resources.

With --baseline OLD_FILE ... or --baseline-rev REV (the same rule files as
they are at a git revision, read with git show; the work tree is not
touched), both rule sets run over the same data and the report adds, per
alert, the episodes added, removed and shifted and the firing time before
and after: what the change would have done. A server spreads the groups'
evaluations by a hash of group name and file; so that only the change
shows, baseline files given in the same number as the rule files are
evaluated as if at the paths of the rule files they pair with, in order.

--format html writes one self-contained page: per alert its statistics and
a chart of the series its expression reads, its value against its threshold
and its episodes (before and after, with a baseline) over the range. The
series are read again from the source for drawing only.

TIME is RFC 3339 (2026-11-02T00:00:00Z), Unix seconds, "now", or relative
to now: -7d, -36h, -90m.

Exit status: 0 when the backtest ran, 2 on bad usage or bad input (a missing
or corrupt TSDB, a range with no data, a rule file that does not load); then
no report is written.

Flags:
`

// backtestFlags are the flags and arguments of "rulecheck backtest".
type backtestFlags struct {
	from, to, tsdb, format, report, baselineRev string
	baseline                                    multiFlag
	window, flapWindow, evalInterval, lookback  time.Duration
	warmup                                      time.Duration
	maxSeries                                   int
	maxTemplateBytes                            int64
	files                                       []string
	sourceFlags
	fixtureFlags
	// now is the time relative times count from.
	now func() time.Time

	fromT, toT time.Time
	out        *outfile.File
	// page is the HTML report's page, drawn while the data is open.
	page *backtesthtml.Page
}

func runBacktest(args []string, stdout, stderr io.Writer) int {
	bf, code, ok := parseBacktestFlags(args, stderr)
	if !ok {
		return code
	}
	return bf.run(stdout, stderr)
}

func parseBacktestFlags(args []string, stderr io.Writer) (bf *backtestFlags, code int, ok bool) {
	bf = &backtestFlags{now: time.Now}
	fs := flag.NewFlagSet("backtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&bf.from, "from", "", "start of the range: `TIME` (required)")
	fs.StringVar(&bf.to, "to", "", "end of the range: `TIME` (required)")
	fs.StringVar(&bf.tsdb, "tsdb", "", "Prometheus data directory or TSDB snapshot `DIR`, opened read-only")
	bf.sourceFlags.register(fs)
	bf.fixtureFlags.register(fs)
	fs.StringVar(&bf.format, "format", "text", "output format: text, json, github (a Markdown summary for $GITHUB_STEP_SUMMARY) or html (one self-contained page: per alert its episodes drawn over the series it reads)")
	fs.StringVar(&bf.report, "report", "", "write the report to `FILE` instead of standard output (only once the run is complete)")
	fs.Var(&bf.baseline, "baseline", "baseline rule `FILE` to compare with (repeatable)")
	fs.StringVar(&bf.baselineRev, "baseline-rev", "", "compare with the rule files as they are at git revision `REV` (e.g. origin/main)")
	fs.DurationVar(&bf.window, "window", backtest.DefaultWindow, "evaluate this much of the range at once; memory grows with it")
	fs.DurationVar(&bf.warmup, "warmup", 0, "evaluate this long before --from without reporting it, so that alerts enter the range pending or firing as on a running server (0: they start with no state, as after a restart)")
	fs.DurationVar(&bf.flapWindow, "flap-window", backtest.DefaultFlapWindow, "an episode firing again within this time of the previous one resolving is a flap")
	fs.DurationVar(&bf.evalInterval, "evaluation-interval", time.Minute, "interval of the groups that set none (the server's global evaluation_interval)")
	fs.DurationVar(&bf.lookback, "lookback-delta", 5*time.Minute, "PromQL lookback delta (the server's --query.lookback-delta)")
	fs.IntVar(&bf.maxSeries, "max-series", 10000, "fail when one selector of a rule selects, or one rule's query returns, more than `N` series (0: no limit)")
	fs.Int64Var(&bf.maxTemplateBytes, "max-template-bytes", tmplbound.DefaultBytes, "largest number of bytes the templates of one alerting rule that are not plain (a range, a defined template, printf with a width, nested escaping...) may expand to in one evaluation, for all its alerts; each range iteration counts 16 and each query 1024 (over it: exit 2)")
	fs.Usage = func() {
		fmt.Fprint(stderr, backtestUsage)
		fs.PrintDefaults()
	}
	bf.files, code, ok = parseCommandArgs(fs, args, stderr)
	if !ok {
		return nil, code, false
	}
	if err := bf.check(); err != nil {
		fmt.Fprintf(stderr, "rulecheck backtest: %v (rulecheck backtest -h)\n", errText(err))
		return nil, exitBadInput, false
	}
	return bf, exitOK, true
}

func (bf *backtestFlags) check() error {
	switch {
	case bf.from == "" || bf.to == "":
		return errors.New("give the range with --from and --to")
	case bf.fixtureFlags.check() != nil:
		return bf.fixtureFlags.check()
	case bf.sourceCount() != 1:
		return errors.New("give the data with exactly one of --tsdb DIR, --remote-read URL and --query-api URL")
	case bf.httpConfig != "" && bf.tsdb != "":
		return errors.New("--http-config is for --remote-read and --query-api, not --tsdb")
	case len(bf.files) == 0:
		return errors.New("give at least one rule file")
	case !slices.Contains([]string{"text", "json", "github", "html"}, bf.format):
		return fmt.Errorf("--format %q: expected text, json, github or html", bf.format)
	case len(bf.baseline) > 0 && bf.baselineRev != "":
		return errors.New("give --baseline or --baseline-rev, not both")
	case bf.window <= 0 || bf.evalInterval <= 0 || bf.lookback <= 0 || bf.flapWindow < 0 || bf.maxSeries < 0 || bf.warmup < 0 || bf.maxTemplateBytes <= 0:
		return errors.New("--window, --evaluation-interval, --lookback-delta and --max-template-bytes must be positive; --flap-window, --warmup and --max-series not negative")
	}
	now := bf.now()
	var err error
	if bf.fromT, err = parseTime(bf.from, now); err != nil {
		return fmt.Errorf("--from: %v", err)
	}
	if bf.toT, err = parseTime(bf.to, now); err != nil {
		return fmt.Errorf("--to: %v", err)
	}
	if bf.fromT.After(bf.toT) {
		return fmt.Errorf("--from %s is after --to %s", bf.fromT.Format(time.RFC3339), bf.toT.Format(time.RFC3339))
	}
	return nil
}

// parseTime reads RFC 3339, Unix seconds, "now" or a duration before now
// ("-7d").
func parseTime(s string, now time.Time) (time.Time, error) {
	switch {
	case s == "now":
		return now.UTC(), nil
	case strings.HasPrefix(s, "-"):
		d, err := model.ParseDuration(s[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: expected a duration before now such as -7d or -36h", s)
		}
		return now.Add(-time.Duration(d)).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) < 1e12 {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q: expected RFC 3339 (2026-11-02T00:00:00Z), Unix seconds, now, or -DURATION", s)
}

func (bf *backtestFlags) run(stdout, stderr io.Writer) int {
	bad := func(err error) int {
		fmt.Fprintf(stderr, "rulecheck backtest: %v\n", errText(err))
		if bf.out != nil {
			abortReport(bf.out, stderr)
		}
		if bf.fixtureOut != nil {
			abortReport(bf.fixtureOut, stderr)
		}
		return exitBadInput
	}
	if bf.report != "" {
		f, err := outfile.Open(bf.report, bf.inputs())
		if err != nil {
			return bad(fmt.Errorf("--report: %v", err))
		}
		bf.out = f
	}
	if err := bf.openFixture(); err != nil {
		return bad(err)
	}
	files, err := expandRuleArgs(bf.files)
	if err != nil {
		return bad(err)
	}
	out, err := bf.backtest(files)
	if err != nil {
		return bad(err)
	}
	var buf bytes.Buffer
	switch bf.format {
	case "json":
		err = out.WriteJSON(&buf)
	case "github":
		err = out.WriteGitHub(&buf)
	case "html":
		err = backtesthtml.Write(&buf, bf.page)
	default:
		err = out.WriteText(&buf)
	}
	if err != nil {
		return bad(err)
	}
	if err := bf.commitFixture(stderr); err != nil {
		return bad(err)
	}
	if bf.out == nil {
		_, err = stdout.Write(buf.Bytes())
	} else if _, err = bf.out.Write(buf.Bytes()); err == nil {
		err = bf.out.Commit()
	}
	if err != nil {
		return bad(err)
	}
	return exitOK
}

// backtest loads the rules, opens the data and runs the rules (and the
// baseline's) over it.
func (bf *backtestFlags) backtest(files []string) (*backtest.Output, error) {
	loadOpts := backtest.LoadOptions{EvaluationInterval: bf.evalInterval}
	current := make([]backtest.RuleFile, len(files))
	for i, f := range files {
		current[i] = backtest.RuleFile{Path: f}
	}
	rs, err := backtest.LoadRules(current, loadOpts)
	if err != nil {
		return nil, err
	}
	var base *backtest.RuleSet
	var baseName string
	if len(bf.baseline) > 0 || bf.baselineRev != "" {
		var baseFiles []backtest.RuleFile
		baseFiles, baseName, err = bf.baselineFiles(files)
		if err == nil {
			base, err = backtest.LoadRules(baseFiles, loadOpts)
		}
		if err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
	}
	ds, err := bf.openData()
	if err != nil {
		return nil, err
	}
	defer ds.close()
	ctx := context.Background()
	if ds.check != nil {
		if err := ds.check(ctx); err != nil {
			return nil, err
		}
	}
	opts := backtest.Options{From: bf.fromT, To: bf.toT, Window: bf.window, MaxSeries: bf.maxSeries, FlapWindow: bf.flapWindow, LookbackDelta: bf.lookback, Warmup: bf.warmup, MaxTemplateBytes: bf.maxTemplateBytes}
	out := &backtest.Output{Source: ds.name}
	if out.Report, err = runOn(ctx, ds, rs, opts); err != nil {
		return nil, err
	}
	if err := bf.makeFixture(ctx, ds, out.Report, files); err != nil {
		return nil, err
	}
	if base != nil {
		if out.Baseline, err = runOn(ctx, ds, base, opts); err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		d := backtest.Compare(out.Baseline, out.Report)
		out.Diff, out.BaselineName = &d, baseName
	}
	if bf.format == "html" {
		if bf.page, err = drawPage(ctx, ds, out, alertRules(rs, base)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// alertRules are the alerts' rules: the rule files', then the baseline's.
func alertRules(rs, base *backtest.RuleSet) []backtest.AlertRule {
	out := rs.AlertRules()
	if base != nil {
		out = append(out, base.AlertRules()...)
	}
	return out
}

// drawPage queries, from a source of its own, what the HTML report draws.
func drawPage(ctx context.Context, ds *dataSource, out *backtest.Output, rules []backtest.AlertRule) (*backtesthtml.Page, error) {
	src, err := ds.open()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return backtesthtml.Build(ctx, src, out, rules, backtesthtml.Options{})
}

// dataSource is where the series come from.
type dataSource struct {
	// name names the data in the report.
	name string
	// open returns a fresh Source: each run (the rules', the baseline's)
	// gets its own, as recorded series must not leak from one to the other.
	open func() (backtest.Source, error)
	// check, when set, fails (ErrNoData) when the range holds no data.
	check func(ctx context.Context) error
	close func() error
}

// openData opens the source the flags name.
func (bf *backtestFlags) openData() (*dataSource, error) {
	if bf.tsdb == "" {
		return bf.openRemote()
	}
	// The sandbox (links and a copy of the log, in the temporary
	// directory) is made in a directory an interrupt removes too.
	tmp, removeTmp, err := interruptSafeTempDir("rulecheck-backtest-")
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrSource, Msg: "cannot make a temporary directory", Err: err}
	}
	var db *backtest.TSDB
	err = whileFilling(func() (err error) {
		db, err = backtest.OpenTSDBIn(bf.tsdb, tmp)
		return err
	})
	if err != nil {
		removeTmp()
		return nil, err
	}
	local := backtest.LocalOptions{LookbackDelta: bf.lookback, MaxSeries: bf.maxSeries}
	return &dataSource{
		name:  bf.tsdb,
		open:  func() (backtest.Source, error) { return backtest.NewLocal(db, local), nil },
		check: func(ctx context.Context) error { return bf.checkData(ctx, db) },
		close: func() error { defer removeTmp(); return db.Close() },
	}, nil
}

// checkData fails when db has no sample between --from (less the
// lookback) and --to.
func (bf *backtestFlags) checkData(ctx context.Context, db *backtest.TSDB) error {
	has, err := backtest.HasData(ctx, db, bf.fromT.Add(-bf.lookback).UnixMilli(), bf.toT.UnixMilli())
	if err != nil {
		return &backtest.Error{Kind: backtest.ErrSource, Msg: bf.tsdb + ": cannot read the TSDB", Err: err}
	}
	if !has {
		return &backtest.Error{Kind: backtest.ErrNoData, Msg: fmt.Sprintf("%s holds no samples between %s and %s", bf.tsdb, bf.fromT.Format(time.RFC3339), bf.toT.Format(time.RFC3339))}
	}
	return nil
}

func runOn(ctx context.Context, ds *dataSource, rs *backtest.RuleSet, opts backtest.Options) (*backtest.Report, error) {
	src, err := ds.open()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return backtest.Run(ctx, src, rs, opts)
}

// baselineFiles returns the baseline rule files: --baseline's, or the rule
// files as they are at --baseline-rev (a file that does not exist there is
// left out: the change adds it).
func (bf *backtestFlags) baselineFiles(files []string) ([]backtest.RuleFile, string, error) {
	if len(bf.baseline) > 0 {
		paths, err := expandRuleArgs(bf.baseline)
		if err != nil {
			return nil, "", err
		}
		out := make([]backtest.RuleFile, len(paths))
		for i, p := range paths {
			out[i] = backtest.RuleFile{Path: p}
		}
		if len(paths) != len(files) {
			return out, strings.Join(paths, ", "), nil
		}
		// Paired with the rule files in order, each baseline file is
		// evaluated as if it were at its pair's path: a server aligns a
		// group's evaluations by its name and file, so both sets then
		// evaluate at the same instants and only the rules' change shows.
		// It is loaded at its own path first, for errors that name it.
		if _, err := backtest.LoadRules(out, backtest.LoadOptions{EvaluationInterval: bf.evalInterval}); err != nil {
			return nil, "", err
		}
		for i, p := range paths {
			content, err := os.ReadFile(p)
			if err != nil {
				return nil, "", err
			}
			out[i] = backtest.RuleFile{Path: files[i], Content: content}
		}
		return out, strings.Join(paths, ", "), nil
	}
	var out []backtest.RuleFile
	for _, f := range files {
		content, found, err := gitShow(bf.baselineRev, f)
		if err != nil {
			return nil, "", err
		}
		if found {
			// The same path: a server aligns a group's evaluations by its
			// name and file, so both sets evaluate at the same instants.
			out = append(out, backtest.RuleFile{Path: f, Content: content})
		}
	}
	return out, "git revision " + bf.baselineRev, nil
}

// gitShow reads path as it is at rev with "git show REV:./NAME", run in the
// file's directory; found is false when the revision has no such file.
func gitShow(rev, path string) (content []byte, found bool, err error) {
	if strings.HasPrefix(rev, "-") {
		return nil, false, fmt.Errorf("--baseline-rev %q: not a revision", rev)
	}
	cmd := exec.Command("git", "show", rev+":./"+filepath.Base(path))
	cmd.Dir = filepath.Dir(path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	content, err = cmd.Output()
	if err == nil {
		return content, true, nil
	}
	msg := strings.TrimSpace(stderr.String())
	// Exit status 128 with a message naming the path: the revision exists
	// but the file does not (git's wording differs between "does not
	// exist in" and "exists on disk, but not in").
	if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) && gitRevExists(rev, cmd.Dir) {
		return nil, false, nil
	}
	if msg == "" {
		msg = err.Error()
	}
	return nil, false, fmt.Errorf("--baseline-rev %s: git show %s: %s", rev, path, msg)
}

// gitRevExists reports whether rev names a commit in the repository dir
// belongs to.
func gitRevExists(rev, dir string) bool {
	cmd := exec.Command("git", "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	cmd.Dir = dir
	return cmd.Run() == nil
}

// looksLikeRules reports whether a file found in a directory is a rule
// file (a top-level groups key) or holds PrometheusRules; other YAML beside
// the rules (a metric catalog, say) is passed over.
func looksLikeRules(path string) bool {
	content, err := os.ReadFile(path)
	if err != nil {
		return true // reported when loaded
	}
	return rulefile.IsCRD(content) || topLevelGroups.Match(content)
}

var topLevelGroups = regexp.MustCompile(`(?m)^groups\s*:`)

// expandRuleArgs turns the arguments into rule files: a directory gives
// its rule files (.yaml and .yml), in name order.
func expandRuleArgs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, &backtest.Error{Kind: backtest.ErrRuleFile, Msg: a + ": cannot read the rule file", Err: unwrapPathErr(err)}
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		found := 0
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") && looksLikeRules(p) {
				out = append(out, p)
				found++
			}
			return nil
		})
		if err != nil {
			return nil, &backtest.Error{Kind: backtest.ErrRuleFile, Msg: a + ": cannot read the directory", Err: err}
		}
		if found == 0 {
			return nil, &backtest.Error{Kind: backtest.ErrRuleFile, Msg: a + ": no rule files (.yaml or .yml with groups, or PrometheusRules) in the directory"}
		}
	}
	return out, nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
