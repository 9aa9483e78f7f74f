package deploycomment

import (
	"context"
	"regexp"
	"strings"

	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
)

// SeedRecord is a deploy request that cannot deploy while its branch
// creates seed-branch's record (shared.SeedMarkerTable) and its target
// already has that table with the same definition: two pull requests
// branched before production had the record each created it, and the
// first deploy brought it to production. Dropping the record from the
// branch takes the statement out of the request and nothing else.
type SeedRecord struct {
	// Statement is the request's CREATE TABLE of the record, as
	// Statements gives it.
	Statement string
}

// FindSeedRecord tells from facts alone whether dr is a SeedRecord: its
// deployment state (error: it cannot deploy), its operations ops (one
// creates the record table) and the schemas of its branch and its target
// read through the API (both have the table, with the same definition).
// It never reads deploy_check_errors, whose format is not documented.
func FindSeedRecord(ctx context.Context, c *planetscale.Client, db string, dr *planetscale.DeployRequest, ops []planetscale.Operation) (SeedRecord, bool, error) {
	if dr.DeploymentState != "error" {
		return SeedRecord{}, false, nil
	}
	return RecordInTarget(ctx, c, db, dr, ops)
}

// RecordInTarget is FindSeedRecord for a request known by other facts not
// to deploy now (its deploy was refused), whatever its deployment state:
// dr is open, one of its operations ops creates the record table, and its
// branch and its target both have the table, with the same definition.
func RecordInTarget(ctx context.Context, c *planetscale.Client, db string, dr *planetscale.DeployRequest, ops []planetscale.Operation) (SeedRecord, bool, error) {
	rec := SeedRecord{Statement: RecordCreate(ops)}
	if dr.State != "open" || rec.Statement == "" {
		return SeedRecord{}, false, nil
	}
	into, err := recordDefinition(ctx, c, db, dr.IntoBranch)
	if err != nil || into == "" {
		return SeedRecord{}, false, err
	}
	branch, err := recordDefinition(ctx, c, db, dr.Branch)
	if err != nil || branch != into {
		return SeedRecord{}, false, err
	}
	return rec, true, nil
}

// RecordCreate returns the statement among ops that creates seed-branch's
// record table, as Statements gives it, or "".
func RecordCreate(ops []planetscale.Operation) string {
	stmt := ""
	for _, op := range ops {
		if op.Table == shared.SeedMarkerTable && strings.EqualFold(op.Name, "create") {
			if st := Statements([]planetscale.Operation{op}); len(st) == 1 {
				stmt = st[0]
			}
		}
	}
	return stmt
}

// SameRecord reports whether two CREATE TABLE statements of the record
// table define it the same: whitespace and the AUTO_INCREMENT=n option
// aside.
func SameRecord(a, b string) bool {
	return normalRecord(a) == normalRecord(b)
}

// normalRecord is a CREATE TABLE statement with its whitespace and
// AUTO_INCREMENT=n option left out.
func normalRecord(stmt string) string {
	return strings.Join(strings.Fields(autoIncrement.ReplaceAllString(stmt, "")), " ")
}

// autoIncrement is the AUTO_INCREMENT=n table option, which says how many
// rows a table had, not how it is defined.
var autoIncrement = regexp.MustCompile(`(?i)\s+AUTO_INCREMENT=\d+`)

// recordDefinition is the CREATE TABLE of the record table in a branch's
// schema, its whitespace and AUTO_INCREMENT=n option left out, or "".
func recordDefinition(ctx context.Context, c *planetscale.Client, db, branch string) (string, error) {
	files, err := c.BranchSchema(ctx, db, branch)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if f.Name == shared.SeedMarkerTable {
			return normalRecord(f.Raw), nil
		}
	}
	return "", nil
}
