// Package textsafe escapes control characters in text printed to a
// terminal, so that a name taken from an input file (a test group name with
// a newline or an escape sequence) cannot forge a line of the report or
// drive the terminal.
package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s on one line: every control character (newline and tab
// included), every character that reorders text (bidirectional overrides)
// and every invalid UTF-8 byte is written as a Go escape (\n, \x1b,
// \u202e).
func Escape(s string) string { return escape(s, false) }

// EscapeText is Escape keeping newlines and tabs, for messages of several
// lines; Indent the result under a line the report writes.
func EscapeText(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	if safe(s, keepLines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func safe(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c < 0x20 && !(keepLines && (c == '\n' || c == '\t')) || c == 0x7f {
			return safeSlow(s, keepLines)
		}
	}
	return true
}

func safeSlow(s string, keepLines bool) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if keepLines && (r == '\n' || r == '\t') {
			continue
		}
		if unsafeRune(r) {
			return false
		}
	}
	return true
}

// unsafeRune: control characters (C0, DEL, C1) and the format characters
// that change how text around them is shown (bidirectional embeddings,
// overrides and isolates, zero-width joiners are left alone).
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// Indent escapes s (keeping its lines) and puts prefix before each line
// after the first, so that only the first line starts where the report's
// own lines start.
func Indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(EscapeText(s), "\n"), "\n", "\n"+prefix)
}
