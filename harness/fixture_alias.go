package harness

import "github.com/codevaldcortex/rulecheck/harness/fixture"

// The fixture format lives in package fixture. The harness API speaks of
// these types (RunFixture, Case, results), so they are named here too.
type (
	Fixture       = fixture.Fixture
	TestGroup     = fixture.TestGroup
	InputSeries   = fixture.InputSeries
	AlertTest     = fixture.AlertTest
	ExpAlert      = fixture.ExpAlert
	ExprTest      = fixture.ExprTest
	ExpSample     = fixture.ExpSample
	TimelineEntry = fixture.TimelineEntry
)

// FormatV1 selects rulecheck's own fixture semantics (see fixture.FormatV1).
const FormatV1 = fixture.FormatV1
