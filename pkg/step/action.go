package step

import (
	"context"
	"fmt"
)

// Output declares one output of an action.
type Output struct {
	Name        string // snake_case id; PSFLOW_OUT_<NAME> in output files
	Description string
	Secret      bool // masked; never printed; written only to output files
	// HandOver also writes the output as PSFLOW_<NAME>, which the same-named input of later
	// steps reads once the file is sourced; only a hand-over may set an input (docs/design/step.md).
	HandOver bool
}

// Action is one psflow step: its declaration and its logic.
type Action struct {
	Name        string // kebab-case, e.g. "create-branch"
	Description string // one line
	Icon        string // Feather icon for action.yml branding
	Inputs      []Input
	Outputs     []Output
	Run         func(ctx context.Context, s *Step) error
}

// input returns the declaration of the named input.
func (a *Action) input(name string) (Input, bool) {
	for _, in := range a.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}

// output returns the declaration of the named output.
func (a *Action) output(name string) (Output, error) {
	for _, o := range a.Outputs {
		if o.Name == name {
			return o, nil
		}
	}
	return Output{}, fmt.Errorf("action %s declares no output %q", a.Name, name)
}
