package harness

import "github.com/codevaldcortex/rulecheck/harness/fixture"

// The fixture format lives in package fixture. These names are kept so that
// code written against harness alone keeps compiling.
type (
	Fixture       = fixture.Fixture
	TestGroup     = fixture.TestGroup
	InputSeries   = fixture.InputSeries
	AlertTest     = fixture.AlertTest
	ExpAlert      = fixture.ExpAlert
	ExprTest      = fixture.ExprTest
	ExpSample     = fixture.ExpSample
	TimelineEntry = fixture.TimelineEntry
	// Deprecated: use fixture.Error.
	FixtureError = fixture.Error
)

// FormatV1 selects rulecheck's own fixture semantics (see fixture.FormatV1).
const FormatV1 = fixture.FormatV1

var (
	// Deprecated: use fixture.Load.
	LoadFixture = fixture.Load
	// Deprecated: use fixture.Parse.
	ParseFixture = fixture.Parse
	// Deprecated: use fixture.Find.
	FindFixtures = fixture.Find
)
