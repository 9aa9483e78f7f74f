package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// validatorComponents are shared schemas the validator cases $ref.
const validatorComponents = `
Ref:
  type: object
  required: [id]
  properties:
    id: {type: string}
`

// TestSchemaValidator checks each rule of the contract test's validator on
// small schemas.
func TestSchemaValidator(t *testing.T) {
	t.Parallel()
	const object = `
type: object
required: [s, n, e, items]
` + `properties:
  s: {type: string}
  ns: {type: string, nullable: true}
  n: {type: integer}
  f: {type: number}
  b: {type: boolean}
  e: {type: string, enum: [a, b]}
` + `  items:
    type: array
    items:
      type: object
      required: [id]
      properties:
        id: {type: integer}
  r: {$ref: '#/components/schemas/Ref'}
`
	const good = `{"s":"x","ns":null,"n":3,"f":1.5,"b":true,"e":"a","items":[{"id":1},{"id":2}],"r":{"id":"r1"},"other":1}`
	tests := []struct {
		name, schema, body string
		want               []string
	}{
		{name: "valid", schema: object, body: good, want: nil},
		{name: "required missing", schema: object, body: `{"s":"x","n":1,"e":"b"}`, want: []string{`$: required field "items" is missing`}},
		{name: "string is number", schema: object, body: `{"s":1,"n":1,"e":"a","items":[]}`, want: []string{"$.s: is integer, want string"}},
		{name: "integer is fraction", schema: object, body: `{"s":"x","n":1.5,"e":"a","items":[]}`, want: []string{"$.n: is number, want integer"}},
		{name: "number accepts integer", schema: object, body: `{"s":"x","n":1,"f":2,"e":"a","items":[]}`, want: nil},
		{name: "boolean is string", schema: object, body: `{"s":"x","n":1,"b":"true","e":"a","items":[]}`, want: []string{"$.b: is string, want boolean"}},
		{name: "null not nullable", schema: object, body: `{"s":null,"n":1,"e":"a","items":[]}`, want: []string{"$.s: is null but the schema is not nullable"}},
		{name: "enum", schema: object, body: `{"s":"x","n":1,"e":"c","items":[]}`, want: []string{"$.e: value c is not one of the enum [a b]"}},
		{name: "array item", schema: object, body: `{"s":"x","n":1,"e":"a","items":[{"id":1},{}]}`, want: []string{`$.items[1]: required field "id" is missing`}},
		{name: "array is object", schema: object, body: `{"s":"x","n":1,"e":"a","items":{}}`, want: []string{"$.items: is object, want array"}},
		{name: "ref", schema: object, body: `{"s":"x","n":1,"e":"a","items":[],"r":{"id":7}}`, want: []string{"$.r.id: is integer, want string"}},
		{name: "unknown ref", schema: `{$ref: '#/components/schemas/Nope'}`, body: `{}`, want: []string{`$: unresolvable $ref "#/components/schemas/Nope"`}},
		{
			name:   "allOf",
			schema: `{allOf: [{type: object, required: [a]}, {type: object, required: [b]}]}`,
			body:   `{"a":1}`, want: []string{`$: required field "b" is missing`},
		},
		{name: "oneOf two match", schema: `{oneOf: [{type: integer}, {type: number}]}`, body: `1`, want: []string{"$: 2 of the 2 oneOf alternatives match"}},
		{name: "oneOf one match", schema: `{oneOf: [{type: integer}, {type: string}]}`, body: `1`, want: nil},
		{name: "anyOf none", schema: `{anyOf: [{type: boolean}, {type: string}]}`, body: `1`, want: []string{"$: 0 of the 2 anyOf alternatives match"}},
		{name: "closed object", schema: `{type: object, additionalProperties: false, properties: {a: {type: string}}}`, body: `{"a":"x","z":1}`, want: []string{`$: field "z" is not allowed`}},
		{name: "additional schema", schema: `{type: object, additionalProperties: {type: string}}`, body: `{"a":"x","z":1}`, want: []string{"$.z: is integer, want string"}},
		{name: "not json", schema: object, body: `{"s":`, want: []string{"body is not JSON: unexpected EOF"}},
		{name: "trailing data", schema: object, body: good + ` {}`, want: []string{"body has data after its JSON value"}},
	}
	var doc specDoc
	assert.NilError(t, yaml.Unmarshal([]byte(validatorComponents), &doc.Components.Schemas))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var s specSchema
			assert.NilError(t, yaml.Unmarshal([]byte(tc.schema), &s))
			got := validateJSON(&doc, &s, []byte(tc.body))
			assert.DeepEqual(t, got.problems, tc.want)
		})
	}
}

// TestContractCatchesBrokenResponses breaks real emulator responses the
// way a regression would and checks the contract test reports each one.
func TestContractCatchesBrokenResponses(t *testing.T) {
	t.Parallel()
	spec := loadSubsetSpec(t)
	e := emulatortest.Start(t)
	createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	fetch := func(t *testing.T, path string) map[string]any {
		t.Helper()
		status, body := call(t, e, http.MethodGet, path, nil)
		assert.Equal(t, status, http.StatusOK, string(body))
		var m map[string]any
		assert.NilError(t, json.Unmarshal(body, &m))
		return m
	}
	schema := func(id string) *specSchema {
		o, ok := spec.op(id)
		assert.Assert(t, ok, id)
		return o.schemaFor(http.StatusOK)
	}
	tests := []struct {
		name, op, path string
		breakIt        func(m map[string]any)
		want           string
	}{
		{"field removed", "get_branch", branchPath(e, "dev"), func(m map[string]any) { delete(m, "region") }, `$: required field "region" is missing`},
		{"nested field removed", "get_branch", branchPath(e, "dev"), func(m map[string]any) { delete(m["region"].(map[string]any), "slug") }, `$.region: required field "slug" is missing`},
		{"wrong type", "get_branch", branchPath(e, "dev"), func(m map[string]any) { m["ready"] = "yes" }, "$.ready: is string, want boolean"},
		{"not an integer", "get_branch", branchPath(e, "dev"), func(m map[string]any) { m["shard_count"] = 1.5 }, "$.shard_count: is number, want integer"},
		{"unknown state", "get_branch", branchPath(e, "dev"), func(m map[string]any) { m["state"] = "bogus" }, "$.state: value bogus is not one of the enum [pending sleep_in_progress sleeping awakening ready]"},
		{"null id", "get_branch", branchPath(e, "dev"), func(m map[string]any) { m["id"] = nil }, "$.id: is null but the schema is not nullable"},
		{"list item field removed", "list_branches", dbPath(e, "app") + "/branches", func(m map[string]any) { delete(m["data"].([]any)[0].(map[string]any), "name") }, `$.data[0]: required field "name" is missing`},
		{"list envelope field removed", "list_branches", dbPath(e, "app") + "/branches", func(m map[string]any) { delete(m, "next_page") }, `$: required field "next_page" is missing`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := fetch(t, tc.path)
			intact, err := json.Marshal(m)
			assert.NilError(t, err)
			assert.Check(t, is.Len(validateJSON(spec, schema(tc.op), intact).problems, 0))
			tc.breakIt(m)
			broken, err := json.Marshal(m)
			assert.NilError(t, err)
			assert.DeepEqual(t, validateJSON(spec, schema(tc.op), broken).problems, []string{tc.want})
		})
	}
}
