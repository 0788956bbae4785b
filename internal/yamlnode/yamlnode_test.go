package yamlnode

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"
)

func TestErrorLine(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"syntax", "a: [1\n", 1, "did not find expected ',' or ']'"},
		{"type, first of the list", "a: 1\nb: [x]\nc: {y: 1}\n", 2, "cannot unmarshal !!seq into string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v map[string]string
			err := yaml.Unmarshal([]byte(tc.in), &v)
			require.Error(t, err)
			line, msg := ErrorLine(err)
			assert.Equal(t, tc.line, line)
			assert.Equal(t, tc.msg, msg)
		})
	}
	// yaml.v2's strict decoding, as Prometheus's configuration types use.
	var v struct{ A int }
	err := yamlv2.UnmarshalStrict([]byte("a: 1\nb: 2\n"), &v)
	require.Error(t, err)
	line, msg := ErrorLine(err)
	assert.Equal(t, 2, line)
	assert.Equal(t, "field b not found in type struct { A int }", msg)

	line, msg = ErrorLine(errors.New("yaml: no line here"))
	assert.Equal(t, 0, line)
	assert.Equal(t, "no line here", msg)
}

func TestDocuments(t *testing.T) {
	docs, err := Documents([]byte("a: 1\n---\nb: 2\n"))
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Equal(t, "2", Value(Mapping(docs[1]), "b").Value)
	_, err = Documents([]byte("a: [\n"))
	assert.Error(t, err)
}
