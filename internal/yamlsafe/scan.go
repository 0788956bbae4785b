package yamlsafe

import "bytes"

// MaxNodes is the most nodes (keys, values, list entries) a YAML file may
// be written with, as overNodes counts them. The parser holds every node of
// a document in memory, at about 200 bytes each (measured: 668 MB for a
// 31 MB file of 3.6 million nodes), so this bounds what parsing one file
// can cost, and a file over it is refused before it is parsed. Test files
// of the largest suites measured have tens of thousands.
var MaxNodes = 2_000_000

// overNodes scans YAML text, without parsing it, for the line where it has
// written more than limit nodes; 0 if it has not. It counts where a node
// surely starts: a value after "key: ", "- ", "[", "{" or ",", a key
// (once its ":" is seen), a quoted scalar, a block scalar, an alias.
// Quoted text, comments and block scalars' text are skipped, and the
// mappings and sequences that hold entries are not counted, so the count
// never exceeds what the parser builds: a file is refused only when
// parsing it would build more nodes than the limit.
func overNodes(src []byte, limit int) int {
	s := scanner{block: -1}
	for line := 1; len(src) > 0; line++ {
		text := src
		if end := bytes.IndexByte(src, '\n'); end >= 0 {
			text, src = src[:end], src[end+1:]
		} else {
			src = nil
		}
		s.scanLine(text)
		if s.nodes > limit {
			return line
		}
	}
	return 0
}

type scanner struct {
	nodes int
	// flow is how deep inside [ ] and { } the scanner is.
	flow int
	// quote is the quote a quoted scalar still open at the line's end
	// started with, or 0.
	quote byte
	// block is the indentation above which lines belong to a block
	// scalar (-1: none).
	block int
	// plain is set when a line ended inside a plain scalar, which the
	// next line may continue.
	plain bool
}

// lineState is what the scanner knows inside one line.
type lineState struct {
	// atToken is set where a node may start: at the line's start and
	// after an indicator.
	atToken bool
	// first is set until the line's first token; pendingKey when that
	// token is a plain scalar, which is a node only if a ":" follows
	// (else it continues the scalar of a line above).
	first, pendingKey bool
}

// lineStart returns where a line's tokens start, after its indentation
// or the end of a quoted scalar an earlier line opened; ok is false when
// the line has nothing to count (blank, in a block scalar, in a quote).
func (s *scanner) lineStart(text []byte) (i int, ok bool) {
	if s.quote != 0 {
		i = s.skipQuoted(text, 0)
		return i, s.quote == 0
	}
	for i < len(text) && text[i] == ' ' {
		i++
	}
	blank := i == len(text) || text[i] == '\r' || text[i] == '#'
	if s.block >= 0 && (blank || i > s.block) {
		return i, false
	}
	s.block = -1
	return i, !blank // after a blank line a plain scalar may go on
}

func (s *scanner) scanLine(text []byte) {
	i, ok := s.lineStart(text)
	if !ok {
		return
	}
	ls := lineState{atToken: s.quote == 0 && i == 0 || i > 0 && text[i-1] == ' ', first: true}
	continued := s.plain && s.flow == 0
	s.plain = false
	indent := i
	for i < len(text) {
		c := text[i]
		blankNext := i+1 == len(text) || isSpace(text[i+1]) || text[i+1] == '\r'
		switch {
		case c == '#' && (i == 0 || isSpace(text[i-1])):
			return
		case isSpace(c) || c == '\r':
		case continued && ls.first && c != ':':
			// maybe the scalar above goes on: a node only if a ":"
			// makes it a key
			ls.pendingKey, ls.atToken, ls.first = true, false, false
			s.plain = true
		case c == ':' && (blankNext || s.flow > 0):
			if ls.pendingKey {
				s.nodes++
			}
			ls.atToken, ls.pendingKey, ls.first = true, false, false
			s.plain = false
		case c == ',' && s.flow > 0:
			ls.atToken = true
		case (c == ']' || c == '}') && s.flow > 0:
			s.flow--
			ls.atToken = false
		case !ls.atToken:
		case (c == '-' || c == '?') && blankNext && s.flow == 0:
			ls.first = false
		case c == '&' || c == '!':
			i = skipWord(text, i)
			continue
		case c == '[' || c == '{':
			s.nodes++
			s.flow++
			ls.first = false
		case c == '*' || c == '\'' || c == '"':
			s.nodes++
			s.plain = false
			ls.atToken, ls.first = false, false
			if c == '*' {
				i = skipWord(text, i)
				continue
			}
			s.quote = c
			if i = s.skipQuoted(text, i+1); s.quote != 0 {
				return
			}
			continue
		case (c == '|' || c == '>') && s.flow == 0:
			s.nodes++
			s.block = indent
			return
		default: // a plain scalar starts
			if ls.first && s.flow == 0 {
				ls.pendingKey = true
			} else {
				s.nodes++
			}
			ls.atToken, ls.first = false, false
			s.plain = s.flow == 0
		}
		i++
	}
}

// skipWord returns the offset of the first blank after text[i].
func skipWord(text []byte, i int) int {
	for i < len(text) && !isSpace(text[i]) && text[i] != '\r' {
		i++
	}
	return i
}

// skipQuoted returns the offset after the quoted scalar open in s.quote
// that text continues from i, clearing s.quote if it closes on this line.
func (s *scanner) skipQuoted(text []byte, i int) int {
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\' && s.quote == '"':
			i++
		case c == '\'' && s.quote == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i++
		case c == s.quote:
			s.quote = 0
			return i + 1
		}
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }
