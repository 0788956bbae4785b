package checks

import "github.com/codevaldcortex/rulecheck/internal/lint"

// SyntaxJSON reports dashboards that are not valid JSON.
var SyntaxJSON = loadErrorCheck("syntax/json", lint.CatJSON, `
A Grafana dashboard file is not valid JSON. Grafana refuses to import it and
none of its panels' queries are checked.`, `{"dashboard": {"panels": [}}`)
