package evaluate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSyntheticStepBounded: a catalog's 1ms scrape interval does not make
// a synthetic series of millions of samples.
func TestSyntheticStepBounded(t *testing.T) {
	for _, c := range []struct{ scrape, evalAt, want time.Duration }{
		{30 * time.Second, 2 * time.Hour, 30 * time.Second},
		{time.Millisecond, 2 * time.Hour, 720 * time.Millisecond},
		{time.Millisecond, 48 * time.Hour, 48 * time.Hour / maxSyntheticSamples},
		{0, time.Second, time.Millisecond},
	} {
		step := syntheticStep(c.scrape, c.evalAt)
		assert.Equal(t, c.want, step)
		assert.LessOrEqual(t, int(c.evalAt/step), maxSyntheticSamples)
	}
}
