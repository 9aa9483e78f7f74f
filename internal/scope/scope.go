// Package scope is what every psflow action starts from: its database,
// token and client, and the branch and pull request the run is about.
package scope

import (
	"fmt"
	"time"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// DatabaseInputs are the inputs every action takes first: the database,
// and the service token and API to reach it with.
var DatabaseInputs = []step.Input{
	{Name: "org", Description: "PlanetScale organization.", Required: true, Env: "PLANETSCALE_ORG"},
	{Name: "database", Description: "Database name.", Required: true},
	{Name: "service_token_id", Description: "Service token id.", Required: true, Env: "PLANETSCALE_SERVICE_TOKEN_ID"},
	{Name: "service_token", Description: "Service token secret.", Required: true, Secret: true, Env: "PLANETSCALE_SERVICE_TOKEN"},
	{Name: "api_url", Description: "PlanetScale API URL: https, or http only to a loopback host (an emulator's, in tests).", Default: planetscale.DefaultAPIURL, Env: "PLANETSCALE_API_URL"},
}

// BranchInput is the branch an action works on, defaulting to the PR's.
var BranchInput = step.Input{
	Name:        "branch",
	Description: "Branch name. Default: pr-<number> on a pull request, else the sanitized branch the CI builds.",
}

// Inputs returns the scope inputs followed by an action's own.
func Inputs(own ...step.Input) []step.Input {
	return append(append([]step.Input{}, DatabaseInputs...), own...)
}

// Retry knobs for tests: they shorten the client's retry budget and the
// limit of one attempt, which default to planetscale.DefaultRetry.
const (
	RetryMaxElapsedEnv     = "PSFLOW_RETRY_MAX_ELAPSED"
	RetryAttemptTimeoutEnv = "PSFLOW_RETRY_ATTEMPT_TIMEOUT"
)

// Client builds the PlanetScale client from the scope inputs; retries are
// logged to the step.
func Client(s *step.Step) (*planetscale.Client, error) {
	retry, err := retryPolicy(s)
	if err != nil {
		return nil, err
	}
	if err := planetscale.CheckAPIURL(s.String("api_url")); err != nil {
		return nil, step.Usagef("input api_url: %w", err)
	}
	c, err := planetscale.New(planetscale.Config{
		APIURL:  s.String("api_url"),
		TokenID: s.String("service_token_id"),
		Token:   s.String("service_token"),
		Org:     s.String("org"),
		Retry:   retry,
		Logf:    s.Logf,
	})
	if err != nil {
		return nil, step.Usagef("%w", err)
	}
	return c, nil
}

// retryPolicy is planetscale.DefaultRetry with the test knobs applied.
func retryPolicy(s *step.Step) (planetscale.RetryPolicy, error) {
	p := planetscale.DefaultRetry()
	for name, field := range map[string]*time.Duration{RetryMaxElapsedEnv: &p.MaxElapsed, RetryAttemptTimeoutEnv: &p.AttemptTimeout} {
		v := s.Getenv(name)
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return p, step.Usagef("%s: %q is not a positive duration", name, v)
		}
		*field = d
	}
	return p, nil
}

// Branch resolves the branch input: as given, else pr-<n> for the run's
// pull request, else the run's sanitized branch (see step.Context).
func Branch(s *step.Step) (string, error) {
	if b := s.String("branch"); b != "" {
		if err := planetscale.ValidateBranchName(b); err != nil {
			return "", step.Usagef("input branch: %w", err)
		}
		return b, nil
	}
	rc, err := s.Context()
	if err != nil {
		return "", step.Usagef("%w", err)
	}
	if rc.PullRequest > 0 {
		return planetscale.PRBranch(rc.PullRequest), nil
	}
	if rc.HeadRef != "" {
		return planetscale.BranchName(rc.HeadRef), nil
	}
	return "", step.Usagef("input branch is required outside a pull request event or a branch build (%s); set %s", rc, BranchInput.Sources())
}

// Where names a database for messages: "acme/app".
func OrgDatabase(s *step.Step) string {
	return fmt.Sprintf("%s/%s", s.String("org"), s.String("database"))
}
