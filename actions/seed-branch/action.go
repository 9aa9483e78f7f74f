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
		step.Input{Name: "once", Description: "Record runs in the table _psflow_seed of the branch: skip the run when the last one applied the same files (by content hash), and undo what a failed run left before loading again. With false nothing is recorded.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "tls", Description: "auto (required unless the host is loopback), true or false.", Kind: step.Choice, Choices: []string{"auto", "true", "false"}, Default: "auto"},
		step.Input{Name: "timeout", Description: "How long the whole run may take.", Kind: step.Duration, Default: "30m"},
	),
	Outputs: []step.Output{
		{Name: "files", Description: "Number of files applied."},
		{Name: "statements", Description: "Number of statements run."},
		{Name: "rows", Description: "Rows affected."},
		{Name: "duration_s", Description: "Seconds spent loading."},
		{Name: "skipped", Description: "true when the same files were already applied."},
	},
	Run: run,
}
