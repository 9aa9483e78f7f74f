package seedbranch

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/pkg/sqlload"
)

// appliedRow is a row of the migration table.
type appliedRow struct {
	version, checksum string
	own               bool // applied on this branch since it was created
}

// readApplied reads the branch's migration table; rows applied at or after
// created are the branch's own, older ones came from production.
func (c *conn) readApplied(ctx context.Context, table string, created time.Time) (map[string]appliedRow, error) {
	rows, err := c.strings(ctx, "SELECT `version`, `checksum`, `applied_at` >= ? FROM "+quoteName(table),
		created.UTC().Truncate(time.Second).Format("2006-01-02 15:04:05"))
	if err != nil {
		return nil, fmt.Errorf("read migration table %s: %w; it must have psflow's columns version, checksum and applied_at (setup-migrations creates it)", table, err)
	}
	out := map[string]appliedRow{}
	for _, r := range rows {
		out[r[0]] = appliedRow{version: r[0], checksum: r[1], own: r[2] == "1"}
	}
	return out, nil
}

// stale says why the migrations the branch ran itself no longer match the
// files, or "" when they match.
func (sd *seeder) stale(applied map[string]appliedRow) string {
	files := map[string]migration{}
	for _, m := range sd.src.migrations {
		files[m.version] = m
	}
	for _, v := range slices.Sorted(maps.Keys(applied)) {
		r := applied[v]
		m, ok := files[v]
		switch {
		case r.own && r.checksum == "":
			return fmt.Sprintf("migration %s did not finish on branch %s", v, sd.branch)
		case r.own && !ok:
			return fmt.Sprintf("migration %s ran on branch %s and its file is gone", v, sd.branch)
		case r.own && m.file.Sum != r.checksum:
			return fmt.Sprintf("migration %s changed since it ran on branch %s", v, sd.branch)
		case ok && r.checksum != "" && m.file.Sum != r.checksum:
			sd.s.Warnf("migration %s (%s) changed after production applied it; it does not run again: write a new migration", v, m.file.Path)
		}
	}
	return ""
}

// migrate applies, in order, the migrations the branch's table does not
// hold, recording each before it runs and its checksum once it ran.
func (sd *seeder) migrate(ctx context.Context, bc *branchconn.Conn, c *conn, table string, applied map[string]appliedRow) ([]change, sqlload.Result, error) {
	var (
		done  []change
		total sqlload.Result
	)
	last := ""
	for v, r := range applied {
		if !r.own {
			last = max(last, v)
		}
	}
	for _, m := range sd.src.migrations {
		if _, ok := applied[m.version]; ok {
			continue
		}
		if m.version < last {
			sd.s.Logf("migration %s sorts before %s, which production has; it runs now, as each migration runs once whatever its order", m.version, last)
		}
		if _, err := c.c.ExecContext(ctx, "INSERT INTO "+quoteName(table)+" (`version`, `checksum`, `applied_at`) VALUES (?, '', UTC_TIMESTAMP(6))", m.version); err != nil {
			return done, total, fmt.Errorf("record migration %s in %s: %w", m.version, table, err)
		}
		res, err := sqlload.Load(ctx, bc.Pool, loadFiles([]seedFile{m.file}), sd.loadOptions(1))
		total = addResult(total, res)
		if err != nil {
			return done, total, fmt.Errorf("migration %s: %w", m.version, err)
		}
		if _, err := c.c.ExecContext(ctx, "UPDATE "+quoteName(table)+" SET `checksum` = ? WHERE `version` = ?", m.file.Sum, m.version); err != nil {
			return done, total, fmt.Errorf("record migration %s in %s: %w", m.version, table, err)
		}
		sd.s.Logf("applied migration %s (%s): %d statements in %s", m.version, m.file.Path, res.Statements, res.Duration.Round(time.Millisecond))
		done = append(done, change{"applied", "migration", m.version})
	}
	return done, total, nil
}

// addResult adds a load's numbers to a total.
func addResult(total, r sqlload.Result) sqlload.Result {
	total.Files = append(total.Files, r.Files...)
	total.Statements += r.Statements
	total.Rows += r.Rows
	total.Bytes += r.Bytes
	total.Duration += r.Duration
	return total
}
