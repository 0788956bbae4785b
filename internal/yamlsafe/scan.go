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
// Quoted text, comments, directives and block scalars' text are skipped,
// the lines a plain scalar goes on over are not counted again, and the
// mappings and sequences that hold entries are not counted, so the count
// never exceeds what the parser builds: a file is refused only when
// parsing it would build more nodes than the limit. Where the text is
// ambiguous to a line-by-line scan, it counts the fewer nodes. Lines end
// where the parser ends them (cutLine), so the line returned is the
// parser's too.
func overNodes(src []byte, limit int) int {
	s := scanner{parent: -1}
	// The reader drops one byte order mark at the start; any other is
	// text.
	src = bytes.TrimPrefix(src, bom)
	for line := 1; len(src) > 0; line++ {
		var text []byte
		text, src = cutLine(src)
		s.scanLine(text)
		if s.nodes > limit {
			return line
		}
	}
	return 0
}

// LineBreak is the length of the line break b starts with, 0 if none.
// Lines end where the YAML parser ends them: at CR LF, CR, LF, NEL
// (U+0085), LS (U+2028) or PS (U+2029).
func LineBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case len(b) > 0 && (b[0] == '\r' || b[0] == '\n'):
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// cutLine splits src at its first line break (LineBreak). The parser
// counts every one as a new line, and a comment or an indicator may start
// after any of them.
func cutLine(src []byte) (line, rest []byte) {
	end := bytes.IndexByte(src, '\n')
	if end < 0 {
		end = len(src)
	}
	seg := src[:end]
	if bytes.IndexByte(seg, '\r') < 0 && bytes.IndexByte(seg, 0xC2) < 0 && bytes.IndexByte(seg, 0xE2) < 0 {
		return seg, src[min(end+1, len(src)):] // the common case: LF only
	}
	for i := 0; i < end; i++ {
		if n := LineBreak(src[i:]); n > 0 {
			return src[:i], src[i+n:]
		}
	}
	return seg, src[min(end+1, len(src)):]
}

var bom = []byte("\ufeff")

type scanner struct {
	nodes int
	// flow is how deep inside [ ] and { } the scanner is.
	flow int
	// quote is the quote a quoted scalar still open at the line's end
	// started with, or 0.
	quote byte
	// inBlock is set inside a block scalar, whose lines are those
	// indented more than block (-1 at a document's top level).
	inBlock bool
	block   int
	// parent is the indentation of the last line with a token other
	// than a tag or an anchor (-1 after a document marker): the least a
	// node on a line of its own, such as a block scalar's "|", is
	// indented under.
	parent int
	// plain is set when a line ended inside a plain scalar, which the
	// next line may continue if it is indented at least plainMin (in a
	// block; in a flow, any line may).
	plain    bool
	plainMin int
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
	j := i
	for j < len(text) && isSpace(text[j]) {
		j++
	}
	blank := j == len(text) || text[j] == '#'
	if s.inBlock && (blank || i > s.block) && !isMarker(text) {
		return i, false
	}
	s.inBlock = false
	return i, !blank // after a blank line a plain scalar may go on
}

func (s *scanner) scanLine(text []byte) {
	i, ok := s.lineStart(text)
	if !ok {
		return
	}
	ls := lineState{atToken: s.quote == 0 && i == 0 || i > 0 && text[i-1] == ' ', first: true}
	indent := i
	continued := s.plain && (s.flow > 0 || indent >= s.plainMin)
	s.plain = false
	defer func() {
		if !ls.first {
			s.parent = indent
		}
	}()
	switch {
	case isMarker(text): // "---" or "...": not a node; a document starts
		i, indent, s.parent = 3, -1, -1
		ls.atToken, continued = true, false
	case text[0] == '%' && !continued: // a directive
		return
	}
	for i < len(text) {
		c := text[i]
		blankNext := i+1 == len(text) || isSpace(text[i+1])
		switch {
		case c == '#' && startsComment(text, i):
			return
		case isSpace(c):
		case continued && ls.first && !(c == ':' && blankNext) && !(s.flow > 0 && isFlowIndicator(c)):
			// maybe the scalar above goes on; in a block, a node only
			// if a ":" makes it a key (in a flow, it was counted above)
			ls.pendingKey, ls.atToken, ls.first = s.flow == 0, false, false
			s.plain = true
		case c == ':' && (blankNext || s.flow > 0 && ls.atToken):
			// (in a flow, a ":" inside a plain scalar is text)
			if ls.pendingKey {
				s.nodes++
			}
			ls.atToken, ls.pendingKey, ls.first = true, false, false
			s.plain = false
		case c == ',' && s.flow > 0:
			ls.atToken, s.plain = true, false
		case (c == ']' || c == '}') && s.flow > 0:
			s.flow--
			ls.atToken, s.plain = false, false
		case !ls.atToken:
		case (c == '-' || c == '?') && blankNext && s.flow == 0:
			ls.first = false
		case c == '&' || c == '!':
			i = skipWord(text, i)
			continue
		case c == '[' || c == '{':
			s.nodes++
			s.flow++
			ls.first, s.plain = false, false
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
			s.inBlock, s.block = true, indent
			if ls.first { // on a line of its own: under the line above
				s.block = s.parent
			}
			return
		default: // a plain scalar starts
			if ls.first && s.flow == 0 {
				ls.pendingKey = true
			} else {
				s.nodes++
			}
			s.plainMin = indent + 1 // more than the line it is on
			if ls.first {           // more than its parent
				s.plainMin = s.parent + 1
			}
			ls.atToken, ls.first = false, false
			s.plain = true
		}
		i++
	}
}

// startsComment reports whether the '#' at text[i] starts a comment. The
// parser starts one wherever it looks for the next token: after a blank,
// and also straight after a flow indicator, a ":" or a closing quote.
// Taking '#' for a comment where it is in fact text only counts fewer
// nodes.
func startsComment(text []byte, i int) bool {
	return i == 0 || isSpace(text[i-1]) || bytes.IndexByte([]byte("[]{},:'\""), text[i-1]) >= 0
}

// isMarker reports whether a line starts with a document marker, "---"
// or "...", followed by a blank or the line's end.
func isMarker(text []byte) bool {
	return (bytes.HasPrefix(text, []byte("---")) || bytes.HasPrefix(text, []byte("..."))) &&
		(len(text) == 3 || isSpace(text[3]))
}

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

// skipWord returns the offset of the first blank after text[i].
func skipWord(text []byte, i int) int {
	for i < len(text) && !isSpace(text[i]) {
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
