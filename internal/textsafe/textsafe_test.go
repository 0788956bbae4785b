package textsafe

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, one, text string }{
		{"plain name", "plain name", "plain name"},
		{"naïve ✓", "naïve ✓", "naïve ✓"},
		{"a\nok    fake.yaml:1  x", `a\nok    fake.yaml:1  x`, "a\nok    fake.yaml:1  x"},
		{"red \x1b[31mX\x1b[0m", `red \x1b[31mX\x1b[0m`, `red \x1b[31mX\x1b[0m`},
		{"tab\there\r", `tab\there\r`, "tab\there\\r"},
		{"del\x7f c1\u0085", `del\x7f c1\u0085`, `del\x7f c1\u0085`},
		{"bidi \u202eevil", `bidi \u202eevil`, `bidi \u202eevil`},
		{"bad \xff utf8", `bad \xff utf8`, `bad \xff utf8`},
	} {
		assert.Equal(t, c.one, Escape(c.in), c.in)
		assert.Equal(t, c.text, EscapeText(c.in), c.in)
	}
	assert.Equal(t, "first\n  second\x5cx1b", Indent("first\nsecond\x1b\n", "  "))
}
