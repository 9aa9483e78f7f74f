package deletebranch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// sweep deletes every stale branch: prefixed, older than older_than, not
// kept, not production or default, and with a closed pull request if known.
func sweep(ctx context.Context, s *step.Step, c *planetscale.Client, d *planetscale.Database) error {
	prefix, age, keep := s.String("prefix"), s.Duration("older_than"), s.List("keep")
	if prefix == "" {
		return step.Usagef("input prefix must not be empty in sweep mode: it keeps the sweep to branches psflow made")
	}
	var prs *pullStates
	if token := s.String("github_token"); token != "" {
		repo, err := sweepRepository(s)
		if err != nil {
			return err
		}
		if prs, err = newPullStates(s.String("github_api_url"), token, repo); err != nil {
			return step.Usagef("%w", err)
		}
	}
	branches, err := c.ListBranches(ctx, d.Name)
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-age)
	var deleted []string
	for _, b := range branches {
		switch {
		case !strings.HasPrefix(b.Name, prefix), b.Production, b.Name == d.DefaultBranch, slices.Contains(keep, b.Name):
			continue
		case b.CreatedAt.After(cutoff):
			s.Logf("keeping %s: created %s ago", b.Name, time.Since(b.CreatedAt).Round(time.Second))
			continue
		}
		if prs != nil {
			closed, why := prs.closed(ctx, strings.TrimPrefix(b.Name, "pr-"))
			if !closed {
				s.Logf("keeping %s: %s", b.Name, why)
				continue
			}
		}
		gone, err := remove(ctx, s, c, d.Name, b.Name)
		if err != nil {
			return err
		}
		deleted = append(deleted, gone...)
	}
	s.Output("deleted", strings.Join(deleted, "\n"))
	verb := "Deleted"
	if s.Bool("dry_run") {
		verb = "Would delete"
	}
	s.Summary(fmt.Sprintf("### Branch sweep of %s\n\n%s %d of %d branches (prefix `%s`, older than %s).", scope.OrgDatabase(s), verb, len(deleted), len(branches), prefix, age))
	return nil
}

// sweepRepository is the repository input, else the run's repository when
// it is on GitHub.
func sweepRepository(s *step.Step) (string, error) {
	if repo := s.String("repository"); repo != "" {
		return repo, nil
	}
	rc, err := s.Context()
	if err != nil {
		return "", step.Usagef("input repository is required with github_token: %w", err)
	}
	if !rc.OnGitHub(s.String("github_api_url")) {
		return "", step.Usagef("input repository is required with github_token (%s); set --repository, INPUT_REPOSITORY or PSFLOW_REPOSITORY", rc)
	}
	return rc.Repository, nil
}
