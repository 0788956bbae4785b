package lint

import (
	"sort"
	"unicode/utf8"
)

// Source is the content of a file with its line starts, to turn byte
// offsets into line and column. Both directions take time bounded by a
// constant (a binary search and at most checkpointEvery bytes), however
// long the line: a minified dashboard is one line of hundreds of KB.
type Source struct {
	Content    []byte
	lineStarts []int
	// checkCols[k] is the column (characters from its line's start, 0
	// based) of byte k*checkpointEvery.
	checkCols []int32
}

// checkpointEvery is the distance in bytes between column checkpoints.
const checkpointEvery = 512

// NewSource indexes content.
func NewSource(content []byte) *Source {
	s := &Source{Content: content, lineStarts: []int{0}, checkCols: make([]int32, 0, len(content)/checkpointEvery+1)}
	col := int32(0)
	for i, b := range content {
		if i%checkpointEvery == 0 {
			s.checkCols = append(s.checkCols, col)
		}
		switch {
		case b == '\n':
			s.lineStarts = append(s.lineStarts, i+1)
			col = 0
		case !isContinuation(b):
			col++
		}
	}
	return s
}

// isContinuation tells a UTF-8 continuation byte: a character is counted
// at its first byte (invalid bytes count one each, as utf8.RuneCount counts
// them).
func isContinuation(b byte) bool { return b&0xc0 == 0x80 }

// lineOf returns the 0-based line holding byte off.
func (s *Source) lineOf(off int) int {
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
}

// Pos turns a byte offset into a line and a column counted in characters,
// as the YAML parser counts them.
func (s *Source) Pos(off int) Pos {
	off = max(0, min(off, len(s.Content)))
	line := s.lineOf(off)
	start := s.lineStarts[line]
	from, col := start, 0
	if k := off / checkpointEvery; k < len(s.checkCols) && k*checkpointEvery > start {
		from, col = k*checkpointEvery, int(s.checkCols[k])
	}
	for _, b := range s.Content[from:off] {
		if !isContinuation(b) {
			col++
		}
	}
	return Pos{Line: line + 1, Column: col + 1}
}

// Offset turns a line and column (in characters) into a byte offset.
func (s *Source) Offset(p Pos) int {
	if p.Line < 1 || p.Line > len(s.lineStarts) {
		return len(s.Content)
	}
	off := s.lineStarts[p.Line-1]
	end := len(s.Content)
	if p.Line < len(s.lineStarts) {
		end = s.lineStarts[p.Line] - 1
	}
	c := 1
	// Jump to the last checkpoint of the line at or before the column.
	first, last := (off+checkpointEvery-1)/checkpointEvery, end/checkpointEvery
	if first <= last && last < len(s.checkCols) {
		k := sort.Search(last-first+1, func(i int) bool { return int(s.checkCols[first+i])+1 > p.Column }) - 1
		if k >= 0 {
			off, c = (first+k)*checkpointEvery, int(s.checkCols[first+k])+1
			if isContinuation(s.Content[off]) {
				// A checkpoint inside a character, counted already: back
				// to its start.
				for off > s.lineStarts[p.Line-1] && isContinuation(s.Content[off]) {
					off--
				}
				c--
			}
		}
	}
	for ; c < p.Column && off < len(s.Content) && s.Content[off] != '\n'; c++ {
		_, n := utf8.DecodeRune(s.Content[off:])
		off += n
	}
	return off
}

// Line returns the text of a 1-based line without its newline.
func (s *Source) Line(n int) string {
	if n < 1 || n > len(s.lineStarts) {
		return ""
	}
	start := s.lineStarts[n-1]
	end := len(s.Content)
	if n < len(s.lineStarts) {
		end = s.lineStarts[n] - 1
	}
	if end > start && s.Content[end-1] == '\r' {
		end--
	}
	return string(s.Content[start:end])
}

// NumLines is the number of lines.
func (s *Source) NumLines() int { return len(s.lineStarts) }

// Text is a string value written somewhere in a file (a YAML scalar or a
// JSON string), with the position in the file of each of its bytes. YAML
// block scalars (| and >), folded and multi-line plain scalars, quoted
// strings with escapes and JSON strings are all mapped: the value's
// characters are matched against the file's characters in order, skipping
// what the quoting, escaping, folding and indentation changed.
type Text struct {
	Value string
	// Start is the position of the scalar in the file (its quote or block
	// indicator).
	Start Pos
	pos   []Pos
}

// Pos returns the position in the file of the byte at offset off of the
// value; offsets past the end map to the position after the last byte.
func (t *Text) Pos(off int) Pos {
	if t == nil {
		return Pos{}
	}
	if len(t.pos) == 0 {
		return t.Start
	}
	off = max(0, min(off, len(t.pos)-1))
	return t.pos[off]
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// maxSkip is how many non-blank characters of the file may stand for one
// character of the value: the longest escape, \UXXXXXXXX.
const maxSkip = 10

// NewText maps value to the file, for a scalar whose node starts at start.
func (s *Source) NewText(start Pos, value string) *Text {
	t := &Text{Value: value, Start: start, pos: make([]Pos, len(value)+1)}
	i := s.Offset(start)
	c := s.Content
	if i < len(c) {
		switch c[i] {
		case '|', '>':
			// A block scalar: the text starts on the next line.
			for i < len(c) && c[i] != '\n' {
				i++
			}
			i++
		case '"', '\'':
			i++
		}
	}
	cur := s.cursor(i)
	for v := 0; v < len(value); {
		r, size := utf8.DecodeRuneInString(value[v:])
		at := cur.pos(i)
		if isSpace(r) {
			if i < len(c) && rune(c[i]) == r {
				i++
			}
		} else if j, n, ok := find(c, i, r); ok {
			at = cur.pos(j)
			i = j + n
		}
		for k := range size {
			t.pos[v+k] = at
		}
		v += size
	}
	t.pos[len(value)] = cur.pos(i)
	return t
}

// cursor turns increasing offsets into positions by walking forward from
// the last one, so mapping a whole value costs its length in the file.
type cursor struct {
	s         *Source
	off, line int // line 0-based
	col       int // characters from the line start, 0-based
}

func (s *Source) cursor(off int) *cursor {
	off = max(0, min(off, len(s.Content)))
	p := s.Pos(off)
	return &cursor{s: s, off: off, line: p.Line - 1, col: p.Column - 1}
}

func (c *cursor) pos(off int) Pos {
	off = max(0, min(off, len(c.s.Content)))
	if off < c.off {
		*c = *c.s.cursor(off)
	}
	for _, b := range c.s.Content[c.off:off] {
		switch {
		case b == '\n':
			c.line++
			c.col = 0
		case !isContinuation(b):
			c.col++
		}
	}
	c.off = off
	return Pos{Line: c.line + 1, Column: c.col + 1}
}

// find looks for r from c[i], skipping blanks and at most maxSkip other
// characters.
func find(c []byte, i int, r rune) (int, int, bool) {
	skipped := 0
	for j := i; j < len(c); {
		sr, n := utf8.DecodeRune(c[j:])
		if sr == r {
			return j, n, true
		}
		if !isSpace(sr) {
			skipped++
			if skipped > maxSkip {
				break
			}
		}
		j += n
	}
	return 0, 0, false
}
