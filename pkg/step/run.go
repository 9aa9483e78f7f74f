package step

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

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

// reported marks an error the harness has already printed.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

// Reported reports whether Run already printed err.
func Reported(err error) bool {
	var r reported
	return errors.As(err, &r)
}
