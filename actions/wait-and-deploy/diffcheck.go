package waitanddeploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/actions/internal/deploycomment"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// diffCheck is what a deploy is checked against: what open-deploy-request
// last reported about the request, from the reported_diff input, else the
// pull request's sticky comment on GitHub, else the request's review by
// open-deploy-request.
type diffCheck struct {
	input        *deploycomment.Reported // the reported_diff input, when set
	allowChanged bool                    // deploy a request that changed since, with a warning
	found        *deploycomment.Lookup   // what was looked up, once
	lookErr      error                   // why the lookup failed, once
	statements   []string                // the statements last logged
	opsErr       error                   // a permanent failure to read them, not tried again
}

// lookup returns what open-deploy-request reported about the request of
// branch, looking it up once (a failed lookup is not tried again).
func (f *follower) lookup(ctx context.Context, branch string) (deploycomment.Lookup, error) {
	if f.check.found != nil || f.check.lookErr != nil {
		if f.check.lookErr != nil {
			return deploycomment.Lookup{}, f.check.lookErr
		}
		return *f.check.found, nil
	}
	l := deploycomment.Lookup{Reported: f.check.input, From: "the reported_diff input"}
	if f.check.input == nil {
		var err error
		if l, err = deploycomment.FindReported(ctx, f.s, f.c, f.db, f.number, branch); err != nil {
			if ctx.Err() == nil {
				f.check.lookErr = err
			}
			return l, err
		}
	}
	f.check.found = &l
	return l, nil
}

// checkDiff reads the statements the ready request dr deploys, logs them
// and compares them with what open-deploy-request last reported. It
// refuses (exit 4), naming what is new, when they differ or the request
// gained destructive changes since, unless allow_changed_diff is set.
// Nothing recorded is a notice, not a refusal; a record that cannot be
// read (GitHub unreachable, a comment edited out of shape, the reviews
// not listed) is a warning: the record is a side effect, as GitHub is
// everywhere else in psflow.
func (f *follower) checkDiff(ctx context.Context, dr *planetscale.DeployRequest) error {
	look, lookErr := f.lookup(ctx, dr.Branch)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	ops, err := f.c.Operations(ctx, f.db, f.number)
	if err != nil {
		if !planetscale.Transient(err) && ctx.Err() == nil {
			f.check.opsErr = err
		}
		return err
	}
	stmts := deploycomment.Statements(ops)
	destructive := deploycomment.Destructive(ops, deploycomment.BaseOf(ctx, f.c, f.db, dr.IntoBranch, ops, f.s.Warnf))
	if f.check.statements == nil || !slices.Equal(stmts, f.check.statements) {
		f.s.Logf("deploy request #%d of %s deploys %d statement(s) into %s:", f.number, f.where(), len(stmts), dr.IntoBranch)
		for i, st := range stmts {
			// One line each: a statement's own lines could start a workflow command.
			f.s.Logf("%d. %s;", i+1, strings.Join(strings.Fields(st), " "))
		}
		f.check.statements = stmts
	}
	if lookErr != nil {
		f.s.Warnf("could not read what open-deploy-request reported about deploy request #%d of %s (%v): its statements are deployed unchecked",
			f.number, f.where(), lookErr)
		return nil
	}
	if look.Reported == nil {
		f.s.Noticef("nothing records what open-deploy-request reported about deploy request #%d of %s (%s): its statements are deployed unchecked", f.number, f.where(), look.From)
		return nil
	}
	change := look.Reported.Compare(stmts, destructive)
	if !change.Changed() {
		f.s.Logf("these are the statements open-deploy-request reported (%s)", look.From)
		return nil
	}
	if f.check.allowChanged {
		f.s.Warnf("deploy request #%d of %s changed since open-deploy-request reported it (%s): %s; deploying it anyway (allow_changed_diff)",
			f.number, f.where(), look.From, describeChange(change))
		return nil
	}
	return step.DeployFailedf("refusing to deploy deploy request #%d of %s: it changed since open-deploy-request reported it (%s): %s; "+
		"review the change and run open-deploy-request again, which reports it, or set allow_changed_diff: true to deploy it as it is",
		f.number, f.where(), look.From, describeChange(change))
}

// describeChange names what changed: the new statements, how many
// reported ones are gone, new destructive changes.
func describeChange(c deploycomment.Change) string {
	var parts []string
	if len(c.New) > 0 {
		quoted := make([]string, 0, len(c.New))
		for _, st := range c.New {
			quoted = append(quoted, "`"+strings.Join(strings.Fields(st), " ")+"`")
		}
		parts = append(parts, "new statements: "+strings.Join(quoted, ", "))
	}
	if c.Gone > 0 {
		parts = append(parts, fmt.Sprintf("%d reported statement(s) no longer in it", c.Gone))
	}
	if c.Reordered {
		parts = append(parts, "the same statements in another order")
	}
	if len(c.Destructive) > 0 {
		parts = append(parts, "new destructive changes: "+strings.Join(c.Destructive, ", "))
	}
	return strings.Join(parts, "; ")
}

// newDiffCheck reads the reported_diff and allow_changed_diff inputs.
func newDiffCheck(s *step.Step) (diffCheck, error) {
	check := diffCheck{allowChanged: s.Bool("allow_changed_diff")}
	if v := s.String("reported_diff"); v != "" {
		r, err := deploycomment.ParseReported(v)
		if err != nil {
			return check, step.Usagef("input reported_diff: %w", err)
		}
		check.input = &r
	}
	return check, nil
}
