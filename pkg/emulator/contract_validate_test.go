package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// schemaValidator checks JSON values against OpenAPI 3.0 schemas (required, types, nullable, enums,
// items, additionalProperties, $ref, allOf/oneOf/anyOf), collecting every problem.
type schemaValidator struct {
	refs     map[string]*specSchema // components/schemas by name
	problems []string
	checked  int      // values checked
	extras   []string // paths of fields the schema does not declare
}

// validation is what validateJSON found.
type validation struct {
	checked  int      // values checked
	problems []string // violations of the schema, with their JSON paths
	extras   []string // fields the schema does not declare (allowed)
}

// validateJSON decodes body and checks it against s.
func validateJSON(doc *specDoc, s *specSchema, body []byte) validation {
	val, err := decodeJSON(body)
	if err != nil {
		return validation{problems: []string{err.Error()}}
	}
	v := &schemaValidator{refs: doc.Components.Schemas}
	v.check("$", s, val)
	return validation{checked: v.checked, problems: v.problems, extras: v.extras}
}

// decodeJSON decodes exactly one JSON value, keeping numbers as
// json.Number so integers can be told from fractions.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var val any
	if err := dec.Decode(&val); err != nil {
		return nil, fmt.Errorf("body is not JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("body has data after its JSON value")
	}
	return val, nil
}

func (v *schemaValidator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, path+": "+fmt.Sprintf(format, args...))
}

// check validates val at path against s.
func (v *schemaValidator) check(path string, s *specSchema, val any) {
	if s == nil {
		return
	}
	if s.Ref != "" {
		target, ok := v.resolve(s.Ref)
		if !ok {
			v.fail(path, "unresolvable $ref %q", s.Ref)
			return
		}
		s = target
	}
	v.checked++
	if val == nil {
		if !s.Nullable {
			v.fail(path, "is null but the schema is not nullable")
		}
		return
	}
	for _, sub := range s.AllOf {
		v.check(path, sub, val)
	}
	v.checkAlternatives(path, "oneOf", s.OneOf, val, func(n int) bool { return n == 1 })
	v.checkAlternatives(path, "anyOf", s.AnyOf, val, func(n int) bool { return n >= 1 })
	if !v.checkType(path, s, val) {
		return
	}
	if len(s.Enum) > 0 && !inEnum(s.Enum, val) {
		v.fail(path, "value %v is not one of the enum %v", val, s.Enum)
	}
	switch x := val.(type) {
	case []any:
		for i, item := range x {
			v.check(fmt.Sprintf("%s[%d]", path, i), s.Items, item)
		}
	case map[string]any:
		v.checkObject(path, s, x)
	}
}

// resolve finds a local $ref (#/components/schemas/Name).
func (v *schemaValidator) resolve(ref string) (*specSchema, bool) {
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok {
		return nil, false
	}
	s, ok := v.refs[name]
	return s, ok && s != nil
}

// checkAlternatives validates val against each alternative on its own and
// fails unless enough of them match.
func (v *schemaValidator) checkAlternatives(path, keyword string, alts []*specSchema, val any, enough func(int) bool) {
	if len(alts) == 0 {
		return
	}
	matched := 0
	for _, alt := range alts {
		sub := &schemaValidator{refs: v.refs}
		sub.check(path, alt, val)
		v.checked += sub.checked
		if len(sub.problems) == 0 {
			matched++
		}
	}
	if !enough(matched) {
		v.fail(path, "%d of the %d %s alternatives match", matched, len(alts), keyword)
	}
}

// checkType checks the JSON type of a non-null value and reports whether
// it is right.
func (v *schemaValidator) checkType(path string, s *specSchema, val any) bool {
	ok := true
	switch s.Type {
	case "":
		return true // any type
	case "string":
		_, ok = val.(string)
	case "boolean":
		_, ok = val.(bool)
	case "number":
		_, ok = val.(json.Number)
	case "integer":
		n, isNum := val.(json.Number)
		_, err := n.Int64()
		ok = isNum && err == nil
	case "array":
		_, ok = val.([]any)
	case "object":
		_, ok = val.(map[string]any)
	default:
		v.fail(path, "schema has unknown type %q", s.Type)
		return false
	}
	if !ok {
		v.fail(path, "is %s, want %s", jsonKind(val), s.Type)
	}
	return ok
}

// checkObject checks required and declared properties, and the others
// against additionalProperties.
func (v *schemaValidator) checkObject(path string, s *specSchema, obj map[string]any) {
	for _, name := range s.Required {
		if _, ok := obj[name]; !ok {
			v.fail(path, "required field %q is missing", name)
		}
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	var extra *specSchema
	closed := false
	if a := s.AdditionalProperties; a != nil {
		extra, closed = a.schema, a.closed
	}
	for _, name := range names {
		if prop, ok := s.Properties[name]; ok {
			v.check(path+"."+name, prop, obj[name])
			continue
		}
		switch {
		case closed:
			v.fail(path, "field %q is not allowed", name)
		case extra != nil:
			v.check(path+"."+name, extra, obj[name])
		case s.AdditionalProperties == nil:
			v.extras = append(v.extras, path+"."+name)
		}
	}
}

// inEnum reports whether val equals one of the enum values.
func inEnum(enum []any, val any) bool {
	for _, e := range enum {
		switch x := val.(type) {
		case string:
			if s, ok := e.(string); ok && s == x {
				return true
			}
		case json.Number, bool:
			if _, isString := e.(string); !isString && fmt.Sprint(e) == fmt.Sprint(x) {
				return true
			}
		}
	}
	return false
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(val any) string {
	switch x := val.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", val)
}
