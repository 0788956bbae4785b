package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/backtest/fixturegen"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
)

// fixtureFlags: --to-fixture EPISODE_ID --out FILE turns one episode of
// the run into a rulecheck fixture.
type fixtureFlags struct {
	toFixture, fixturePath string
	fixtureOut             *outfile.File
	fixture                *fixturegen.Result
}

func (ff *fixtureFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&ff.toFixture, "to-fixture", "", "write a rulecheck fixture of the episode `ID` (as the report names it, e.g. AgentDown-1) to --out")
	fs.StringVar(&ff.fixturePath, "out", "", "the fixture `FILE` --to-fixture writes (only once the run is complete)")
}

func (ff *fixtureFlags) check() error {
	if (ff.toFixture == "") != (ff.fixturePath == "") {
		return errors.New("--to-fixture ID and --out FILE go together")
	}
	return nil
}

// openFixture opens --out before any work, refusing an input.
func (bf *backtestFlags) openFixture() error {
	if bf.fixturePath == "" {
		return nil
	}
	f, err := outfile.Open(bf.fixturePath, bf.inputs())
	if err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	bf.fixtureOut = f
	return nil
}

// makeFixture builds the fixture of --to-fixture's episode from the run's
// report, reading the data again from ds.
func (bf *backtestFlags) makeFixture(ctx context.Context, ds *dataSource, rep *backtest.Report, files []string) error {
	if bf.toFixture == "" {
		return nil
	}
	i := slices.IndexFunc(rep.Episodes, func(e backtest.Episode) bool { return e.ID == bf.toFixture })
	if i < 0 {
		return &backtest.Error{Kind: backtest.ErrUsage, Msg: fmt.Sprintf("--to-fixture %s: the run has no such episode (%s)", bf.toFixture, someIDs(rep.Episodes))}
	}
	src, err := ds.open()
	if err != nil {
		return err
	}
	defer src.Close()
	bf.fixture, err = fixturegen.Generate(ctx, src, fixturegen.Request{
		Episode: rep.Episodes[i], RuleFiles: files, Out: bf.fixturePath, Source: ds.name,
		EvaluationInterval: bf.evalInterval, RangeEnd: bf.toT,
	})
	return err
}

func someIDs(eps []backtest.Episode) string {
	if len(eps) == 0 {
		return "it found no episode"
	}
	var ids []string
	for _, e := range eps[:min(len(eps), 8)] {
		ids = append(ids, e.ID)
	}
	if len(eps) > 8 {
		ids = append(ids, fmt.Sprintf("and %d more", len(eps)-8))
	}
	return "episodes: " + strings.Join(ids, ", ")
}

// commitFixture writes the fixture and says what it holds.
func (bf *backtestFlags) commitFixture(stderr io.Writer) error {
	if bf.fixtureOut == nil {
		return nil
	}
	if _, err := bf.fixtureOut.Write(bf.fixture.Content); err != nil {
		return err
	}
	if err := bf.fixtureOut.Commit(); err != nil {
		return err
	}
	holds := "it holds the recorded episode"
	if !bf.fixture.Reproduced {
		holds = "replaying it does not give the recorded times (see its header)"
	}
	fmt.Fprintf(stderr, "rulecheck backtest: wrote %s: episode %s, %d series; %s\n", bf.fixturePath, bf.toFixture, bf.fixture.Series, holds)
	return nil
}
