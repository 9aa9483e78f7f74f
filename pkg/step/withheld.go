package step

import "strings"

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
