package step

import (
	"strconv"
	"strings"
	"time"
)

// Kind is the type of an input's value.
type Kind int

// The kinds of input an action can declare.
const (
	String Kind = iota
	Bool
	Int
	Duration
	List
	Choice
)

// Input declares one input of an action. The declaration is the single
// source of truth for parsing, validation, action.yml and docs/actions.
type Input struct {
	Name        string   // snake_case id: flag --kebab-case, env INPUT_NAME and PSFLOW_NAME
	Description string   // one sentence for action.yml and docs/actions
	Kind        Kind     // how the value is parsed and validated
	Default     string   // used when no source sets a value
	Required    bool     // a value must come from some source
	Secret      bool     // masked in logs; never printed
	Choices     []string // allowed values when Kind is Choice
	Env         string   // an extra variable read last, e.g. PLANETSCALE_ORG
}

// Flag is the command-line flag that sets the input.
func (in Input) Flag() string { return "--" + strings.ReplaceAll(in.Name, "_", "-") }

// EnvNames lists the variables read for the input, most important first.
func (in Input) EnvNames() []string {
	up := strings.ToUpper(in.Name)
	names := []string{"INPUT_" + up, "PSFLOW_" + up}
	if in.Env != "" {
		names = append(names, in.Env)
	}
	return names
}

// Sources says every way to set the input, for error messages and docs.
func (in Input) Sources() string {
	return strings.Join(append([]string{in.Flag()}, in.EnvNames()...), ", ")
}

// accepted describes the values the input takes.
func (in Input) accepted() string {
	switch in.Kind {
	case Bool:
		return "true or false"
	case Int:
		return "a whole number"
	case Duration:
		return `a duration with a unit, such as "90s", "10m" or "1h30m"`
	case Choice:
		return "one of " + strings.Join(in.Choices, ", ")
	}
	return "text"
}

// parse converts a raw value to the input's kind.
func (in Input) parse(raw string) (any, error) {
	bad := func() error {
		return usagef("input %s: %q is not valid; use %s", in.Name, raw, in.accepted())
	}
	switch in.Kind {
	case Bool:
		if b, ok := parseBool(raw); ok {
			return b, nil
		}
		return nil, bad()
	case Int:
		if raw == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return nil, bad()
		}
		return n, nil
	case Duration:
		if raw == "" {
			return time.Duration(0), nil
		}
		d, err := time.ParseDuration(raw)
		if err != nil || d < 0 {
			return nil, bad()
		}
		return d, nil
	case List:
		return splitList(raw), nil
	case Choice:
		for _, c := range in.Choices {
			if raw == c {
				return raw, nil
			}
		}
		if raw == "" {
			return "", nil
		}
		return nil, bad()
	}
	return raw, nil
}

// parseBool reads a boolean input; empty is false.
func parseBool(raw string) (value, ok bool) {
	switch strings.ToLower(raw) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off", "":
		return false, true
	}
	return false, false
}

// splitList splits on newlines and commas, trimming blanks.
func splitList(raw string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == ',' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
