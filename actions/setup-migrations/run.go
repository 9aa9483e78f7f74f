package setupmigrations

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// run puts the table into production first and changes the settings
// after.
func run(ctx context.Context, s *step.Step) error {
	table := s.String("table")
	if err := checkTable(table); err != nil {
		return step.Usagef("input table: %w", err)
	}
	// A bad mysql_ca stops the step before anything is created.
	if _, err := branchconn.MySQLCA(s, s.String(branchconn.TLSInput.Name)); err != nil {
		return err
	}
	c, err := scope.Client(s)
	if err != nil {
		return err
	}
	s.Output("table", table)
	timeout := s.Duration("timeout")
	if timeout <= 0 {
		return step.Usagef("input timeout: %s is not a positive duration", timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err = setup(ctx, s, c, table)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return step.WithCode(step.ExitTimeout, fmt.Errorf("timed out after %s setting up migrations of %s: %w; raise the timeout input", timeout, scope.OrgDatabase(s), err))
	}
	return err
}

// setup does the work of a run within its deadline.
func setup(ctx context.Context, s *step.Step, c *planetscale.Client, table string) error {
	db := s.String("database")
	d, err := c.GetDatabase(ctx, db)
	if err != nil {
		return err
	}
	number, err := ensureTable(ctx, s, c, d, table)
	if err != nil {
		return err
	}
	changed, err := ensureSettings(ctx, s, c, d, table)
	if err != nil {
		return err
	}
	dr := ""
	if number > 0 {
		dr = fmt.Sprint(number)
	}
	s.Output("changed_settings", fmt.Sprint(changed))
	s.Output("deploy_request", dr)
	summarize(s, d.DefaultBranch, table, changed, number)
	return nil
}

// checkTable checks the table name is one MySQL takes unquoted: 1 to 64
// basic Latin letters, digits, $ and _.
func checkTable(name string) error {
	switch {
	case name == "":
		return errors.New("the table name is empty")
	case len(name) > 64:
		return fmt.Errorf("%.20q… is longer than MySQL's 64 characters", name)
	case !tableNameRE.MatchString(name):
		return fmt.Errorf("%q is not a table name psflow takes: use letters, digits, $ and _", name)
	}
	return nil
}

var tableNameRE = regexp.MustCompile(`^[A-Za-z0-9$_]+$`)

// summarize writes the step summary.
func summarize(s *step.Step, prod, table string, changed bool, number uint64) {
	var md strings.Builder
	fmt.Fprintf(&md, "### psflow setup-migrations\n\n%s is set up for migrations with the table `%s`.\n\n", scope.OrgDatabase(s), table)
	switch {
	case number > 0:
		fmt.Fprintf(&md, "- The table reached production branch `%s` through deploy request #%d.\n", prod, number)
	default:
		fmt.Fprintf(&md, "- Production branch `%s` has the table.\n", prod)
	}
	if changed {
		md.WriteString("- Automatic migrations were turned on for it: PlanetScale copies its rows into new branches and in deploy requests.\n")
	} else {
		md.WriteString("- Automatic migrations already copied it.\n")
	}
	s.Summary(md.String())
}
