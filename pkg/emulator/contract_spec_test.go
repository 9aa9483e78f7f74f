package emulator_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// modulePath is the module whose root the contract test looks for.
const modulePath = "github.com/psflow/psflow"

// subsetSpecFile is the cut-down PlanetScale OpenAPI description in testdata/openapi/ (its README
// says where it comes from) and, where CI keeps it, in ../shared/reference/.
const subsetSpecFile = "planetscale-openapi-subset.yaml"

// subsetSpecPath is the repository's copy of the subset spec.
var subsetSpecPath = filepath.Join("testdata", "openapi", subsetSpecFile)

// specDoc is the part of an OpenAPI 3.0 document the contract test reads.
type specDoc struct {
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		Schemas map[string]*specSchema `yaml:"schemas"`
	} `yaml:"components"`

	ops []*specOp // every operation, sorted by path then method
}

// specOp is one operation of the spec: a method on a path template.
type specOp struct {
	ID          string                  `yaml:"operationId"`
	Description string                  `yaml:"description"`
	Responses   map[string]specResponse `yaml:"responses"`

	Method string `yaml:"-"` // upper case
	Path   string `yaml:"-"` // template under /v1, e.g. /organizations/{organization}
}

// specResponse is one documented response of an operation.
type specResponse struct {
	Content map[string]struct {
		Schema *specSchema `yaml:"schema"`
	} `yaml:"content"`
}

// specSchema is the part of an OpenAPI 3.0 schema object the validator
// checks.
type specSchema struct {
	Ref                  string                 `yaml:"$ref"`
	Type                 string                 `yaml:"type"`
	Nullable             bool                   `yaml:"nullable"`
	Enum                 []any                  `yaml:"enum"`
	Properties           map[string]*specSchema `yaml:"properties"`
	Required             []string               `yaml:"required"`
	Items                *specSchema            `yaml:"items"`
	AdditionalProperties *additionalProps       `yaml:"additionalProperties"`
	AllOf                []*specSchema          `yaml:"allOf"`
	OneOf                []*specSchema          `yaml:"oneOf"`
	AnyOf                []*specSchema          `yaml:"anyOf"`
}

// additionalProps is additionalProperties: a boolean or a schema for the
// properties an object does not declare.
type additionalProps struct {
	closed bool        // false: no other property is allowed
	schema *specSchema // the schema other properties must match
}

// UnmarshalYAML reads the boolean or schema form.
func (a *additionalProps) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var allowed bool
		if err := n.Decode(&allowed); err != nil {
			return fmt.Errorf("additionalProperties: %w", err)
		}
		a.closed = !allowed
		return nil
	}
	a.schema = &specSchema{}
	return n.Decode(a.schema)
}

// httpMethods are the keys of a path item that name operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

// moduleRoot walks up from the working directory to the directory whose
// go.mod declares this module.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declaresModule(data, modulePath) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod declaring module %s above the working directory", modulePath)
		}
		dir = parent
	}
}

// declaresModule reports whether go.mod content declares module path.
func declaresModule(gomod []byte, path string) bool {
	s := bufio.NewScanner(bytes.NewReader(gomod))
	for s.Scan() {
		if f := strings.Fields(s.Text()); len(f) == 2 && f[0] == "module" && strings.Trim(f[1], `"`) == path {
			return true
		}
	}
	return false
}

// loadSubsetSpec reads the repository's copy of the subset spec, so that
// a clone with nothing beside it checks the contract too.
func loadSubsetSpec(t testing.TB) *specDoc {
	t.Helper()
	data, err := os.ReadFile(subsetSpecPath)
	if err != nil {
		t.Fatalf("the contract test reads the PlanetScale OpenAPI subset at %s: %v", subsetSpecPath, err)
	}
	doc, err := parseSpec(data)
	if err != nil {
		t.Fatalf("%s: %v", subsetSpecPath, err)
	}
	return doc
}

// parseSpec decodes an OpenAPI document and lists its operations.
func parseSpec(data []byte) (*specDoc, error) {
	var doc specDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("decode openapi yaml: %w", err)
	}
	for path, item := range doc.Paths {
		for method, node := range item {
			if !httpMethods[method] {
				continue
			}
			op := &specOp{Method: strings.ToUpper(method), Path: path}
			if err := node.Decode(op); err != nil {
				return nil, fmt.Errorf("decode %s %s: %w", op.Method, path, err)
			}
			doc.ops = append(doc.ops, op)
		}
	}
	if len(doc.ops) == 0 {
		return nil, fmt.Errorf("no operations under paths")
	}
	sort.Slice(doc.ops, func(i, j int) bool {
		if doc.ops[i].Path != doc.ops[j].Path {
			return doc.ops[i].Path < doc.ops[j].Path
		}
		return doc.ops[i].Method < doc.ops[j].Method
	})
	return &doc, nil
}

// op finds an operation by its operationId.
func (d *specDoc) op(id string) (*specOp, bool) {
	for _, o := range d.ops {
		if o.ID == id {
			return o, true
		}
	}
	return nil, false
}

// successStatus is the one 2xx status the operation documents.
func (o *specOp) successStatus() (int, bool) {
	for code := range o.Responses {
		var n int
		if _, err := fmt.Sscanf(code, "%d", &n); err == nil && n >= 200 && n < 300 {
			return n, true
		}
	}
	return 0, false
}

// declares reports whether the operation documents status.
func (o *specOp) declares(status int) bool {
	_, ok := o.Responses[fmt.Sprint(status)]
	return ok
}

// schemaFor is the JSON schema of the response with status, or nil when
// the spec gives none.
func (o *specOp) schemaFor(status int) *specSchema {
	r, ok := o.Responses[fmt.Sprint(status)]
	if !ok {
		return nil
	}
	if c, ok := r.Content["application/json"]; ok {
		return c.Schema
	}
	return nil
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// matches reports whether a concrete request path (with /v1) fits the
// operation's path template.
func (o *specOp) matches(path string) bool {
	parts := pathParam.Split(o.Path, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^/v1" + strings.Join(parts, "[^/]+") + "$").MatchString(path)
}

// samplePath fills the operation's path template with placeholder values
// (1 for numbers, x for the rest).
func (o *specOp) samplePath(org, database string) string {
	return "/v1" + pathParam.ReplaceAllStringFunc(o.Path, func(p string) string {
		switch p {
		case "{organization}":
			return org
		case "{database}":
			return database
		case "{number}":
			return "1"
		}
		return "x"
	})
}
