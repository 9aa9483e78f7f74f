package step

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/psflow/psflow/pkg/runctx"
)

// Step is one running action: its resolved inputs, its outputs and its log.
type Step struct {
	action  *Action
	env     Env
	github  bool
	values  map[string]any
	shown   []string // each input as --show-inputs prints it
	red     *redactor
	log     io.Writer // redacted; stdout on GitHub, stderr elsewhere
	out     *outputs
	summary strings.Builder
	start   time.Time
	rc      runctx.Context // the run's context, read once by Context
	rcErr   error
	rcOnce  sync.Once
}

// value returns an input's parsed value, panicking on a programming error
// (an undeclared name or the wrong kind), which tests catch.
func value[T any](s *Step, name string) T {
	v, ok := s.values[name].(T)
	if !ok {
		panic(fmt.Sprintf("step %s: input %q is not declared as %T", s.action.Name, name, v))
	}
	return v
}

// String returns a text or choice input.
func (s *Step) String(name string) string { return value[string](s, name) }

// Bool returns a boolean input.
func (s *Step) Bool(name string) bool { return value[bool](s, name) }

// Int returns a whole-number input.
func (s *Step) Int(name string) int { return value[int](s, name) }

// Duration returns a duration input.
func (s *Step) Duration(name string) time.Duration { return value[time.Duration](s, name) }

// List returns a list input (newline or comma separated).
func (s *Step) List(name string) []string { return value[[]string](s, name) }

// Getenv reads the step's environment, for psflow's own knobs; the CI's
// variables are read through Context.
func (s *Step) Getenv(name string) string { return s.env.Getenv(name) }

// GitHub reports whether the step runs inside GitHub Actions.
func (s *Step) GitHub() bool { return s.github }

// Elapsed is the time since the step started.
func (s *Step) Elapsed() time.Duration { return time.Since(s.start) }

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

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
	// Command is how the step is called, in its usage and messages; "psflow <Name>" when empty.
	Command string
}

// command is how the step is called, in its usage and messages.
func (a *Action) command() string {
	if a.Command != "" {
		return a.Command
	}
	return "psflow " + a.Name
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

// outputs writes an action's outputs to every place that wants them.
type outputs struct {
	s    *Step
	file string // PSFLOW_OUTPUT_FILE / --output-file, or ""
	err  error  // the first write failure, reported when the step ends
}
