package routing

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const plain = `route:
  receiver: chat
  routes:
  - matchers: [severity="critical"]
    receiver: pager
receivers:
- name: chat
- name: pager
`

func secret(body string) string {
	return `apiVersion: v1
kind: Secret
metadata:
  name: alertmanager-x
stringData:
  alertmanager.yaml: |
` + indent(body)
}

func indent(s string) string {
	out := ""
	for _, l := range splitLines(s) {
		out += "    " + l + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func TestParseAccepts(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(plain))
	for _, tc := range []struct{ name, content string }{
		{"plain alertmanager.yml", plain},
		{"Secret with stringData", secret(plain)},
		{"Secret with base64 data, after another document", "apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Secret\ndata:\n  alertmanager.yaml: " + b64 + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("am.yaml", []byte(tc.content))
			require.NoError(t, err)
			assert.Equal(t, []string{"pager"}, c.Receivers(ls("severity", "critical")))
		})
	}
}

func TestParseLines(t *testing.T) {
	c, err := Parse("am.yaml", []byte(secret(plain)))
	require.NoError(t, err)
	// The route's line in the Secret: 6 manifest lines before the config.
	assert.Equal(t, 6+4, c.Match(ls("severity", "critical"))[0].Line)
	assert.Equal(t, 6+0+1, c.Match(ls())[0].Line)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		kind          ErrorKind
		line          int
		msg           string
	}{
		{"YAML syntax", "route:\n  receiver: [\n", ErrYAML, 2, ""},
		{"unknown field", "route:\n  receiver: chat\n  recever: x\nreceivers:\n- name: chat\n", ErrConfig, 3, "field recever not found"},
		{"bad matcher in a nested route", "route:\n  receiver: chat\n  routes:\n  - receiver: chat\n    routes:\n    - matchers: ['severity=~\"(\"']\n      receiver: chat\nreceivers:\n- name: chat\n", ErrConfig, 6, ""},
		{"route names a missing receiver", "route:\n  receiver: chat\n  routes:\n  - receiver: pager\nreceivers:\n- name: chat\n", ErrConfig, 4, "undefined receiver \"pager\""},
		{"inhibit rule with a bad matcher", "route:\n  receiver: chat\nreceivers:\n- name: chat\ninhibit_rules:\n- source_matchers: ['a=~\"(\"']\n", ErrConfig, 6, ""},
		{"no route", "receivers:\n- name: chat\n", ErrConfig, 1, "no routes provided"},
		{"in a Secret: position in the file", secret("route:\n  receiver: pager\nreceivers:\n- name: chat\n"), ErrConfig, 6 + 2, "undefined receiver"},
		{"manifest without a Secret", "apiVersion: v1\nkind: ConfigMap\n", ErrSecret, 1, "no Secret"},
		{"bad base64", "apiVersion: v1\nkind: Secret\ndata:\n  alertmanager.yaml: '%%%'\n", ErrSecret, 4, "base64"},
	} {
		if tc.line == 0 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("am.yaml", []byte(tc.content))
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.kind, e.Kind, e.Error())
			assert.Equal(t, "am.yaml", e.File)
			assert.Equal(t, tc.line, e.Line, e.Error())
			assert.Contains(t, e.Msg, tc.msg)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/none.yml")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, ErrRead, e.Kind)
}
