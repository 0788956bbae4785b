package tmplbound

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	text_template "text/template"
	"time"

	"github.com/grafana/regexp"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
	"github.com/prometheus/prometheus/util/strutil"
)

// Check expands the counting copy of the template with Prometheus's
// expander, the given data and query function, charging b. It returns an
// *Exceeded when the expansion would go beyond the budget, and nil
// otherwise: any other error of the template is Prometheus's to report
// when it expands the template itself, which fails the same way.
func (t *Template) Check(ctx context.Context, name string, data any, ts model.Time, query template.QueryFunc, externalURL *url.URL, b *Budget) error {
	if !t.NeedsCheck() {
		return nil
	}
	if b.Over() {
		return &Exceeded{Limit: b.limit}
	}
	counted := func(ctx context.Context, q string, at time.Time) (promql.Vector, error) {
		if err := b.charge(QueryCost); err != nil {
			return nil, err
		}
		return query(ctx, q, at)
	}
	exp := template.NewTemplateExpander(ctx, t.counting, name, data, ts, counted, externalURL, nil)
	exp.Funcs(countingFuncs(b))
	_, _ = exp.Expand()
	if b.Over() {
		return &Exceeded{Limit: b.limit}
	}
	return nil
}

// countingFuncs are the functions of the counting copy: the three it
// calls to charge lists, actions and calls' arguments, and the functions that can produce more
// than their arguments (printf with an argument index or a width, nested
// escaping), which check what they could produce against what is left
// before running and charge what they produced.
func countingFuncs(b *Budget) text_template.FuncMap {
	// What an action prints and what a call is given cost their size.
	passOn := func(v any) (any, error) { return v, b.charge(size(v)) }
	return text_template.FuncMap{
		listFunc: func(n int) (string, error) { return "", b.charge(int64(n)) },
		outFunc:  passOn,
		argFunc:  passOn,
		"printf": func(format string, args ...any) (string, error) {
			return produce(b, printfBound(format, args), func() string { return fmt.Sprintf(format, args...) })
		},
		"print": func(args ...any) (string, error) {
			return produce(b, sumSize(args)+int64(len(args)), func() string { return fmt.Sprint(args...) })
		},
		"println": func(args ...any) (string, error) {
			return produce(b, sumSize(args)+int64(len(args))+1, func() string { return fmt.Sprintln(args...) })
		},
		"html": func(args ...any) (string, error) {
			return produce(b, 6*sumSize(args)+int64(len(args)), func() string { return text_template.HTMLEscaper(args...) })
		},
		"js": func(args ...any) (string, error) {
			return produce(b, 6*sumSize(args)+int64(len(args)), func() string { return text_template.JSEscaper(args...) })
		},
		"urlquery": func(args ...any) (string, error) {
			return produce(b, 3*sumSize(args)+3*int64(len(args)), func() string { return text_template.URLQueryEscaper(args...) })
		},
		"urlQueryEscape": func(s string) (string, error) {
			return produce(b, 3*int64(len(s)), func() string { return url.QueryEscape(s) })
		},
		"graphLink": func(expr string) (string, error) {
			return produce(b, 3*int64(len(expr))+256, func() string { return strutil.GraphLinkForExpression(expr) })
		},
		"tableLink": func(expr string) (string, error) {
			return produce(b, 3*int64(len(expr))+256, func() string { return strutil.TableLinkForExpression(expr) })
		},
		"reReplaceAll": func(pattern, repl, text string) (string, error) {
			// Compiled as Prometheus's reReplaceAll compiles it, which
			// panics (an expansion error) on a bad pattern.
			re := regexp.MustCompile(pattern)
			return produce(b, replaceBound(re, repl, text, b.left.Load()), func() string { return re.ReplaceAllString(text, repl) })
		},
	}
}

// produce runs f when bound bytes are left, and charges what it made.
func produce(b *Budget, bound int64, f func() string) (string, error) {
	if err := b.fits(bound); err != nil {
		return "", err
	}
	s := f()
	return s, b.charge(int64(len(s)))
}

// size is what printing v writes, as the template prints it.
func size(v any) int64 {
	switch v := v.(type) {
	case nil:
		return 0
	case string:
		return int64(len(v))
	}
	return int64(len(fmt.Sprint(v)))
}

func sumSize(args []any) int64 {
	var n int64
	for _, a := range args {
		n += size(a)
	}
	return n
}

// printfBound is at most what fmt.Sprintf(format, args...) writes: the
// format, and for each verb the widest argument padded to the largest
// number written in the format (fmt refuses widths and precisions above
// 10^6).
func printfBound(format string, args []any) int64 {
	verbs := int64(strings.Count(format, "%"))
	var widest, width int64
	for _, a := range args {
		widest = max(widest, size(a))
		width = max(width, asWidth(a))
	}
	return int64(len(format)) + verbs*(widest+max(width, largestNumber(format))+32)
}

// asWidth is the width or precision an integer argument gives a '*' in
// the format.
func asWidth(a any) int64 {
	const capped = 1_000_001
	v := reflect.ValueOf(a)
	switch {
	case v.CanInt():
		n := v.Int()
		return min(max(n, -n), capped)
	case v.CanUint():
		return int64(min(v.Uint(), capped))
	}
	return 0
}

// largestNumber is the largest run of digits in s, capped just above what
// fmt accepts as a width.
func largestNumber(s string) int64 {
	const capped = 1_000_001
	var best, cur int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			cur = 0
			continue
		}
		cur = min(cur*10+int64(c-'0'), capped)
		best = max(best, cur)
	}
	return best
}

// replaceBound is at most what re.ReplaceAllString(text, repl) writes:
// the text, and for each match the replacement with every $ reference
// standing for at most the whole match. The matches are only counted when
// the rough bound is beyond what is left.
func replaceBound(re *regexp.Regexp, repl, text string, left int64) int64 {
	n := int64(len(text))
	refs := int64(strings.Count(repl, "$"))
	rough := n + (n+1)*(int64(len(repl))+refs*n)
	if rough >= 0 && rough <= left {
		return rough
	}
	bound := n
	for _, m := range re.FindAllStringIndex(text, -1) {
		bound += int64(len(repl)) + refs*int64(m[1]-m[0])
		if bound > left {
			break
		}
	}
	return bound
}
