package setupmigrations

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

var createTableRE = regexp.MustCompile(`(?i)^\s*CREATE\s+TABLE\b`)

// checkOperations refuses to deploy any statement of the request but the
// creation of the migration table.
func (u *deploy) checkOperations(ctx context.Context) error {
	ops, err := u.c.Operations(ctx, u.db, u.dr.Number)
	if err != nil {
		return err
	}
	var other []string
	for _, op := range ops {
		if op.Table != u.table || !createTableRE.MatchString(op.DDL) {
			other = append(other, strings.TrimSpace(op.DDL))
		}
	}
	if len(other) > 0 {
		return step.Usagef("deploy request #%d from %s of %s would do more than create the migration table %s (%s); it is not deployed: "+
			"close it, delete the branch (psflow delete-branch --branch %s) and run setup-migrations again",
			u.dr.Number, SetupBranch, scope.OrgDatabase(u.s), u.table, strings.Join(other, "; "), SetupBranch)
	}
	if len(ops) == 0 {
		return fmt.Errorf("deploy request #%d from %s of %s is ready but lists no statement", u.dr.Number, SetupBranch, scope.OrgDatabase(u.s))
	}
	return nil
}
