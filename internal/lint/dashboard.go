package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
)

// jnode is a JSON value with the byte offset where it starts.
type jnode struct {
	obj   bool
	arr   bool
	str   *string
	off   int
	keys  []string
	vals  []*jnode
	items []*jnode
}

func (n *jnode) get(key string) *jnode {
	if n == nil {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

type jsonReader struct {
	dec     *json.Decoder
	content []byte
}

// valueStart is the offset of the next value after the decoder's position,
// past blanks, a colon or a comma.
func (r *jsonReader) valueStart() int {
	i := int(r.dec.InputOffset())
	for i < len(r.content) && strings.IndexByte(" \t\r\n:,", r.content[i]) >= 0 {
		i++
	}
	return i
}

func (r *jsonReader) value() (*jnode, error) {
	off := r.valueStart()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, err
	}
	n := &jnode{off: off}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.obj = true
			for r.dec.More() {
				kt, err := r.dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := r.value()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
		case '[':
			n.arr = true
			for r.dec.More() {
				v, err := r.value()
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
		}
		if _, err := r.dec.Token(); err != nil { // closing delimiter
			return nil, err
		}
	case string:
		n.str = &t
	}
	return n, nil
}

func (f *File) loadDashboard(opts LoadOptions) error {
	f.Kind = DashboardFile
	content := f.Src.Content
	var probe any
	if err := json.Unmarshal(content, &probe); err != nil {
		var at Pos
		var se *json.SyntaxError
		if errors.As(err, &se) {
			at = f.Src.Pos(int(se.Offset))
		}
		f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatJSON, at, strings.TrimPrefix(err.Error(), "json: ")))
		return nil
	}
	m, _ := probe.(map[string]any)
	if m == nil || (m["panels"] == nil && m["dashboard"] == nil) {
		f.Kind = OtherFile
		return ErrNotLintable
	}
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(content)), content: content}
	r.dec.UseNumber()
	root, err := r.value()
	if err != nil && !errors.Is(err, io.EOF) {
		f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatJSON, Pos{}, err.Error()))
		return nil
	}
	f.walkPanels(root, opts)
	return nil
}

// walkPanels finds every object with a "targets" list (a panel) and reads
// the expr and legendFormat of its targets.
func (f *File) walkPanels(n *jnode, opts LoadOptions) {
	if n == nil {
		return
	}
	if targets := n.get("targets"); n.obj && targets != nil && targets.arr {
		title := "panel"
		if t := n.get("title"); t != nil && t.str != nil {
			title = fmt.Sprintf("panel %q", *t.str)
		}
		for _, t := range targets.items {
			ex := t.get("expr")
			if ex == nil || ex.str == nil || strings.TrimSpace(*ex.str) == "" {
				continue // not a Prometheus target, or not filled in
			}
			e := &Expr{File: f, Text: f.Src.NewText(f.Src.Pos(ex.off), *ex.str), Panel: title}
			e.Query, e.toValue = expandGrafanaVars(*ex.str)
			if lg := t.get("legendFormat"); lg != nil && lg.str != nil {
				e.Legend = f.Src.NewText(f.Src.Pos(lg.off), *lg.str)
			}
			var err error
			e.AST, err = opts.Parser.ParseExpr(e.Query)
			if err != nil {
				e.AST = nil
				f.addParseError(e, err)
			}
			f.Exprs = append(f.Exprs, e)
		}
	}
	for _, v := range n.vals {
		f.walkPanels(v, opts)
	}
	for _, v := range n.items {
		f.walkPanels(v, opts)
	}
}

func (f *File) addParseError(e *Expr, err error) {
	var pe *parser.ParseErr
	var pes parser.ParseErrors
	switch {
	case errors.As(err, &pes) && len(pes) > 0:
		pe = &pes[0]
	case errors.As(err, &pe):
	}
	at, msg := e.Start(), "could not parse expression: "+err.Error()
	if pe != nil {
		at, msg = e.Pos(int(pe.PositionRange.Start)), "could not parse expression: "+pe.Err.Error()
	}
	f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatPromQL, at, msg))
}

// grafanaVarRE matches Grafana's variable syntaxes: $var, ${var},
// ${var:format} and [[var]].
var grafanaVarRE = regexp.MustCompile(`\$\{[A-Za-z0-9_]+(?::[^}]*)?\}|\$[A-Za-z0-9_]+|\[\[[A-Za-z0-9_]+(?::[^\]]*)?\]\]`)

// expandGrafanaVars replaces Grafana's variables so the query parses: the
// interval variables by 5m, others inside quotes are left alone (they only
// make a label value), others by a placeholder name. It returns the map
// from offsets of the result to offsets of the input, nil when unchanged.
func expandGrafanaVars(s string) (string, []int) {
	locs := grafanaVarRE.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s, nil
	}
	var b strings.Builder
	var toValue []int
	last := 0
	for _, l := range locs {
		if inQuotes(s, l[0]) {
			continue
		}
		for i := last; i < l[0]; i++ {
			toValue = append(toValue, i)
		}
		b.WriteString(s[last:l[0]])
		name := strings.Trim(s[l[0]:l[1]], "$[]{}")
		name, _, _ = strings.Cut(name, ":")
		repl := "grafana_var_" + name
		if strings.HasPrefix(name, "__") || inBrackets(s, l[0]) {
			repl = "5m"
		}
		for range repl {
			toValue = append(toValue, l[0])
		}
		b.WriteString(repl)
		last = l[1]
	}
	for i := last; i <= len(s); i++ {
		toValue = append(toValue, i)
	}
	b.WriteString(s[last:])
	return b.String(), toValue
}

func inQuotes(s string, at int) bool {
	var q byte
	for i := 0; i < at; i++ {
		switch c := s[i]; {
		case q == 0 && (c == '"' || c == '\'' || c == '`'):
			q = c
		case q != 0 && c == '\\':
			i++
		case c == q:
			q = 0
		}
	}
	return q != 0
}

func inBrackets(s string, at int) bool {
	open := strings.LastIndexByte(s[:at], '[')
	return open >= 0 && strings.LastIndexByte(s[:at], ']') < open
}
