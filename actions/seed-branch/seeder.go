package seedbranch

import (
	"time"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/sqlload"
	"github.com/psflow/psflow/pkg/step"
)

// seeder is one run of seed-branch.
type seeder struct {
	s        *step.Step
	c        *planetscale.Client
	database string
	branch   string
	src      *sources

	db        *planetscale.Database
	b         *planetscale.Branch
	restored  bool   // the branch holds rows from a backup (Data Branching)
	recreated string // why the branch was recreated, or ""
	changes   []change
	emptied   int           // tables the data files write, emptied
	loading   bool          // the data files started loading
	loaded    int           // data files loaded whole
	interval  time.Duration // between two progress lines of a load; 0 for the default
	res       sqlload.Result
}

// change is one thing a run does to the branch's schema.
type change struct {
	verb string // created, rebuilt, dropped, replaced
	kind string // table, view, trigger, procedure, function, event
	name string
}

func (ch change) String() string { return ch.verb + " " + ch.kind + " " + ch.name }
