package harness_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// A Go test in another module runs fixture files with exported names only:
// a Runner with Options (including a metric catalog), its results, and the
// History of what each replay did.
func Example() {
	cat, err := catalog.Load(filepath.Join("..", "rules", "metrics.yaml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	runner := harness.NewRunner(harness.Options{Catalog: cat, Strict: true, Limits: harness.Limits{TestTimeout: time.Minute}})
	res := runner.RunFile(filepath.Join("..", "fixtures", "agent-down.yaml"))
	for _, tr := range res.Tests {
		fmt.Printf("failed=%v %d episodes: %s\n", tr.Failed(), len(tr.History.Episodes()), tr.Name)
	}
	// Output:
	// failed=false 1 episodes: AgentDown fires 1m after the first failed scrape is evaluated and resolves on recovery
	// failed=false 1 episodes: AgentDown stays pending when the failed scrapes span only two evaluations (just under for)
	// failed=false 1 episodes: AgentDown fires when held exactly for 1m (for boundary)
	// failed=false 1 episodes: AgentDown resolves when the down agent's target disappears (stale up), not only on recovery
	// failed=false 0 episodes: AgentDown ignores other jobs' targets that are down
}

// A test file can also be parsed first (package fixture) and its test
// groups inspected before running it.
func Example_parseThenRun() {
	content, err := os.ReadFile(filepath.Join("..", "fixtures", "agent-down.yaml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fx, err := fixture.Parse(filepath.Join("..", "fixtures", "agent-down.yaml"), content)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fx.ServerSchedule, len(fx.Tests))
	fr := harness.NewRunner(harness.Options{}).RunFixture(fx)
	fmt.Println(fr.Failed())
	// Output:
	// true 5
	// false
}
