package step

import (
	"context"
	"errors"
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

// Run resolves the inputs of a, runs it and writes its outputs and summary.
// The returned error has already been printed; pass it to ExitCode.
func Run(ctx context.Context, a *Action, env Env) error {
	s := &Step{action: a, env: env, github: env.Getenv("GITHUB_ACTIONS") == "true", red: &redactor{}, start: time.Now()}
	s.log = redactWriter{r: s.red, w: env.Stderr}
	if s.github {
		s.log = redactWriter{r: s.red, w: env.Stdout}
	}
	err := s.run(ctx)
	if errors.Is(err, errHelp) {
		usage(env.Stdout, a)
		return nil
	}
	if err != nil {
		s.fail(err)
		return reported{err}
	}
	return nil
}

func (s *Step) run(ctx context.Context) error {
	flags, h, err := parseFlags(s.action, s.env.Args)
	if err != nil {
		return err
	}
	if err := s.resolve(flags); err != nil {
		if why := s.withheldSecrets(flags); why != "" {
			s.Noticef("nothing ran: %s, and GitHub gives such runs none of the repository's secrets, so the service token is unset", why)
			return nil
		}
		return err
	}
	if h.showInputs {
		for _, line := range s.shown {
			fmt.Fprintln(redactWriter{r: s.red, w: s.env.Stdout}, line)
		}
		return nil
	}
	s.out = newOutputs(s, firstNonEmpty(h.outputFile, s.env.Getenv("PSFLOW_OUTPUT_FILE")))
	summaryFile := firstNonEmpty(h.summaryFile, s.env.Getenv("PSFLOW_SUMMARY_FILE"), s.env.Getenv("GITHUB_STEP_SUMMARY"))
	s.logContext()
	runErr := s.action.Run(ctx, s)
	if err := s.writeSummary(summaryFile); err != nil && runErr == nil {
		runErr = err
	}
	return errors.Join(runErr, s.out.err)
}

// resolve reads every input from its sources, validates it and masks secrets.
func (s *Step) resolve(flags map[string]*flagValue) error {
	s.values = make(map[string]any, len(s.action.Inputs))
	var problems []string
	for _, in := range s.action.Inputs {
		raw, from := s.lookup(in, flags[in.Name])
		s.shown = append(s.shown, showInput(in, raw, from))
		if in.Secret {
			s.Mask(raw)
		}
		if in.Required && strings.TrimSpace(raw) == "" {
			problems = append(problems, fmt.Sprintf("input %s is required; set %s", in.Name, in.Sources()))
			continue
		}
		v, err := in.parse(strings.TrimSpace(raw))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		s.values[in.Name] = v
	}
	if len(problems) > 0 {
		return usagef("%s", strings.Join(problems, "; "))
	}
	return nil
}

// lookup returns an input's raw value and where it came from: its flag, the first variable set,
// else its default; INPUT_<NAME> equal to the default counts as unset (docs/design/step.md).
func (s *Step) lookup(in Input, f *flagValue) (raw, from string) {
	if f != nil && f.set {
		if in.Kind == Bool && f.raw == "" {
			return "true", in.Flag()
		}
		return f.raw, in.Flag()
	}
	for i, name := range in.EnvNames() {
		v := s.env.Getenv(name)
		if i == 0 && in.Default != "" && strings.TrimSpace(v) == in.Default {
			continue
		}
		if v != "" {
			return v, name
		}
	}
	if in.Default == "" {
		return "", "unset"
	}
	return in.Default, "default"
}

// showInput is the line --show-inputs prints for an input.
func showInput(in Input, raw, from string) string {
	v := ""
	switch raw = strings.TrimSpace(raw); {
	case in.Secret && raw != "":
		v = redacted
	case raw != "":
		v = shellQuote(raw)
	}
	return fmt.Sprintf("%s=%s (%s)", in.Name, v, from)
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

// reported marks an error the harness has already printed.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

// Reported reports whether Run already printed err.
func Reported(err error) bool {
	var r reported
	return errors.As(err, &r)
}
