// Package dumpschema is the dump-schema action: write a branch's schema as
// one CREATE statement per file, in the form seed-branch reads.
package dumpschema

import (
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares dump-schema.
var Action = &step.Action{
	Name:        "dump-schema",
	Description: "Write a branch's schema into a directory, one <name>.sql file per table or view, for seed-branch's schema input.",
	Icon:        "download",
	Inputs: scope.Inputs(
		step.Input{Name: "branch", Description: "Branch whose schema is written. Default: the database's default (production) branch."},
		step.Input{Name: "dir", Description: "Directory the files are written to; created when missing.", Default: "db/schema"},
		step.Input{Name: "prune", Description: "Delete the .sql files under dir that the dump does not write (tables dropped since the last dump); with false such files stop the step (exit 2) and nothing is written.", Kind: step.Bool, Default: "false"},
	),
	Outputs: []step.Output{
		{Name: "dir", Description: "Directory the files were written to."},
		{Name: "tables", Description: "Tables dumped, one name per line."},
		{Name: "views", Description: "Views dumped, one name per line."},
		{Name: "files", Description: "Files of the dump, one path per line, whether rewritten or unchanged."},
	},
	Run: run,
}
