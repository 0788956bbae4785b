package coverage_test

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/coverage"
)

// lcovLine is the grammar of the LCOV tracefile lines WriteLCOV writes
// (see geninfo(1), "FILES").
var lcovLine = regexp.MustCompile(`^(TN:[^,\n]*|SF:.+|DA:\d+,\d+|BRDA:\d+,\d+,\d+,(\d+|-)|BRF:\d+|BRH:\d+|LF:\d+|LH:\d+|end_of_record)$`)

// TestLCOVFormat checks every line against the tracefile grammar, that each
// record opens with SF and closes with end_of_record, and that LF/LH and
// BRF/BRH count the DA and BRDA lines of their record.
func TestLCOVFormat(t *testing.T) {
	rep, _ := run(t, []string{"testdata/untested.yaml"}, "testdata/tests.yaml")
	var b bytes.Buffer
	require.NoError(t, coverage.WriteLCOV(&b, rep))
	sc := bufio.NewScanner(&b)
	inRecord := false
	var da, daHit, brda, brdaHit, records int
	for sc.Scan() {
		l := sc.Text()
		require.Regexp(t, lcovLine, l)
		key, val, _ := strings.Cut(l, ":")
		switch key {
		case "SF":
			require.False(t, inRecord, "SF inside a record")
			inRecord, da, daHit, brda, brdaHit = true, 0, 0, 0, 0
		case "DA":
			da++
			daHit += boolInt(!strings.HasSuffix(val, ",0"))
		case "BRDA":
			brda++
			brdaHit += boolInt(!strings.HasSuffix(val, ",0") && !strings.HasSuffix(val, ",-"))
		case "LF":
			assert.Equal(t, strconv.Itoa(da), val)
		case "LH":
			assert.Equal(t, strconv.Itoa(daHit), val)
		case "BRF":
			assert.Equal(t, strconv.Itoa(brda), val)
		case "BRH":
			assert.Equal(t, strconv.Itoa(brdaHit), val)
		case "end_of_record":
			require.True(t, inRecord)
			inRecord = false
			records++
		default:
			if key != "TN" {
				require.True(t, inRecord, "%s outside a record", key)
			}
		}
	}
	assert.False(t, inRecord, "last record not closed")
	assert.Equal(t, 2, records)
}

// coberturaDTD is the structure of Cobertura's coverage-04.dtd: per
// element, its children in order (with how many may occur) and its
// required attributes.
var coberturaDTD = map[string]struct {
	children []child
	required []string
}{
	"coverage":   {[]child{{"sources", 0, 1}, {"packages", 1, 1}}, []string{"line-rate", "branch-rate", "lines-covered", "lines-valid", "branches-covered", "branches-valid", "complexity", "version", "timestamp"}},
	"sources":    {[]child{{"source", 0, -1}}, nil},
	"source":     {nil, nil},
	"packages":   {[]child{{"package", 0, -1}}, nil},
	"package":    {[]child{{"classes", 1, 1}}, []string{"name", "line-rate", "branch-rate", "complexity"}},
	"classes":    {[]child{{"class", 0, -1}}, nil},
	"class":      {[]child{{"methods", 1, 1}, {"lines", 1, 1}}, []string{"name", "filename", "line-rate", "branch-rate", "complexity"}},
	"methods":    {[]child{{"method", 0, -1}}, nil},
	"method":     {[]child{{"lines", 1, 1}}, []string{"name", "signature", "line-rate", "branch-rate", "complexity"}},
	"lines":      {[]child{{"line", 0, -1}}, nil},
	"line":       {[]child{{"conditions", 0, -1}}, []string{"number", "hits"}},
	"conditions": {[]child{{"condition", 0, -1}}, nil},
	"condition":  {nil, []string{"number", "type", "coverage"}},
}

type child struct {
	name     string
	min, max int // max -1: unbounded
}

type node struct {
	name     string
	attrs    map[string]string
	children []*node
	text     string
}

// TestCoberturaFormat checks the XML against the DTD's structure: the
// doctype, each element's children in the declared order and number, its
// required attributes, and no character data where the DTD allows none.
func TestCoberturaFormat(t *testing.T) {
	rep, _ := run(t, []string{"testdata/untested.yaml"}, "testdata/tests.yaml")
	var b bytes.Buffer
	require.NoError(t, coverage.WriteCobertura(&b, rep, 1700000000))
	require.Contains(t, b.String(), `<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">`)
	root := parseXML(t, b.Bytes())
	require.Equal(t, "coverage", root.name)
	validate(t, root)
	assert.Equal(t, "1700000000", root.attrs["timestamp"])
}

func validate(t *testing.T, n *node) {
	t.Helper()
	decl, ok := coberturaDTD[n.name]
	require.True(t, ok, "element %s is not in the DTD", n.name)
	for _, a := range decl.required {
		assert.Contains(t, n.attrs, a, "%s misses attribute %s", n.name, a)
	}
	if n.name != "source" {
		assert.Empty(t, strings.TrimSpace(n.text), "%s holds character data", n.name)
	}
	i := 0
	for _, c := range decl.children {
		count := 0
		for i < len(n.children) && n.children[i].name == c.name {
			i++
			count++
		}
		assert.GreaterOrEqual(t, count, c.min, "%s: too few %s", n.name, c.name)
		if c.max >= 0 {
			assert.LessOrEqual(t, count, c.max, "%s: too many %s", n.name, c.name)
		}
	}
	if i < len(n.children) {
		require.Failf(t, "unexpected child", "%s: %s", n.name, n.children[i].name)
	}
	for _, c := range n.children {
		validate(t, c)
	}
}

func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	return root
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
