package step

import (
	"fmt"
	"strings"
)

// withheldSecrets says why a step whose inputs did not resolve lacks a required secret, when the
// CI gives the run no secrets (a fork's pull request); else "" (docs/design/step.md).
func (s *Step) withheldSecrets(flags map[string]*flagValue) string {
	missing := false
	for _, in := range s.action.Inputs {
		if in.Required && in.Secret {
			if raw, _ := s.lookup(in, flags[in.Name]); strings.TrimSpace(raw) == "" {
				missing = true
			}
		}
	}
	if !missing {
		return ""
	}
	rc, err := s.Context()
	if err != nil {
		return ""
	}
	return rc.Withheld
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
