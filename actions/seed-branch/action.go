// Package seedbranch is the seed-branch action: stream .sql files into a
// branch over a real MySQL connection with an ephemeral password.
package seedbranch

import (
	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares seed-branch.
var Action = &step.Action{
	Name:        "seed-branch",
	Description: "Load .sql files into a branch over MySQL with a short-lived password.",
	Icon:        "database",
	Inputs: shared.Inputs(
		shared.BranchInput,
		step.Input{Name: "files", Description: "SQL files, globs or directories (their *.sql files at any depth), newline or comma separated; all are applied in order of their paths, byte by byte (name them 001_schema.sql, 002_data.sql).", Kind: step.List, Required: true},
		step.Input{Name: "parallelism", Description: "Connections loading row data of different tables at once; 1 runs one statement at a time in file order.", Kind: step.Int, Default: "4"},
		step.Input{Name: "password_ttl", Description: "Lifetime of the password used for loading (deleted at the end).", Kind: step.Duration, Default: "1h"},
		step.Input{Name: "once", Description: "Record in the table _psflow_seed of the branch the branch before the first run and each file applied, so that every run converges: files applied before and unchanged are skipped, new files sorting after them run alone, and a changed, removed or earlier new file (or a failed run) brings the branch back to before the first run, then applies every file. With false every file runs on top of what the branch holds and nothing is recorded.", Kind: step.Bool, Default: "true"},
		shared.TLSInput,
		shared.MySQLCAInput,
		step.Input{Name: "timeout", Description: "How long the whole run may take.", Kind: step.Duration, Default: "30m"},
	),
	Outputs: []step.Output{
		{Name: "result", Description: "What ran: applied (the files not applied before), reset (back to before the first run, then every file) or skipped (nothing new)."},
		{Name: "reason", Description: "Why, in one line: which file is new, changed or gone."},
		{Name: "files", Description: "Number of files applied."},
		{Name: "statements", Description: "Number of statements run."},
		{Name: "rows", Description: "Rows affected."},
		{Name: "duration_s", Description: "Seconds spent loading."},
		{Name: "skipped", Description: "true when every file was applied before, unchanged."},
	},
	Run: run,
}
