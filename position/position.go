// Package position holds the one position type every rulecheck diagnostic
// carries: a range in a named file, from a line and column to an end line
// and column. Fixture errors, rule file errors, test failures, lint findings
// and catalog warnings all embed a Range, so every output format (text,
// JSON, JUnit, GitHub annotations, SARIF) reads positions the same way.
//
// Lines and columns count from 1; zero means unknown. A Range with only a
// File names the whole file.
package position

import "strconv"

// Range is a span of source text.
type Range struct {
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	EndColumn int    `json:"end_column,omitempty"`
}

// At is the position of one line (and column, if known) of file.
func At(file string, line, column int) Range {
	return Range{File: file, Line: line, Column: column}
}

// Known reports whether the range names a line.
func (r Range) Known() bool { return r.Line > 0 }

// End returns the end of the range, or its start when no end is set.
func (r Range) End() (line, column int) {
	if r.EndLine == 0 {
		return r.Line, r.Column
	}
	return r.EndLine, r.EndColumn
}

// String formats the start of the range as file:line:column, file:line or
// file, leaving out what is unknown; the form compilers and editors read.
func (r Range) String() string {
	s := r.File
	if r.Line <= 0 {
		return s
	}
	if s != "" {
		s += ":"
	}
	s += strconv.Itoa(r.Line)
	if r.Column > 0 {
		s += ":" + strconv.Itoa(r.Column)
	}
	return s
}
