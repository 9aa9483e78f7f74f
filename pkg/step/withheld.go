package step

import "strings"

// withheldSecrets says why a step whose inputs did not resolve has no
// secret to run with: a required secret input (the service token) is unset
// in a run that the CI gives none of the repository's secrets (a pull
// request from a fork, or Dependabot's, on GitHub). Such a run cannot do
// anything, and failing it would mark every outside contribution red, so
// the step reports it as a notice and succeeds. It returns "" when a
// required secret is set, or the CI gives secrets: a token missing from
// any other run, a push included, stays an error.
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
