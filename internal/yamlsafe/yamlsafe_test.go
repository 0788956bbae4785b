package yamlsafe

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	var nodesBomb strings.Builder
	nodesBomb.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&nodesBomb, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*%s, ", prev(i)), 10), ", "))
	}
	// One 256 KB scalar used through 400 aliases: 400 nodes, 100 MB.
	bytesBomb := "big: &big " + strings.Repeat("x", 256<<10) + "\nuses:\n" + strings.Repeat("  - *big\n", 400)
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"plain", "a: 1\nb: [1, 2]\n", ""},
		{"few aliases", "a: &a {x: 1}\nb: *a\nc: *a\n", ""},
		{"nodes bomb", nodesBomb.String(), "line 2: YAML aliases expand to more than 5000000 nodes"},
		{"bytes bomb", bytesBomb, "line 3: YAML aliases expand to more than 67108864 bytes of text"},
		{"deep", strings.Repeat("[", 300) + strings.Repeat("]", 300), "YAML nested more than 200 levels deep"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := Check([]byte(c.yaml))
			runtime.ReadMemStats(&after)
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "allocated what the aliases ask for")
		})
	}
}

func prev(i int) string {
	if i == 1 {
		return "a"
	}
	return fmt.Sprintf("l%d", i-1)
}

func TestDecodeStrictOneLine(t *testing.T) {
	var v struct {
		A int `yaml:"a"`
	}
	err := DecodeStrict([]byte("a: x\nb: 1\nc: 2\n"), &v)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\n")
	assert.Contains(t, err.Error(), "(and 2 more errors)")
	require.NoError(t, DecodeStrict(nil, &v))
}
