package waitanddeploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/actions/internal/ddlcheck"
	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/actions/internal/prose"
	"github.com/psflow/psflow/actions/internal/reporteddiff"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// lookup returns what open-deploy-request reported about the request of
// branch, looking it up once (a failed lookup is not tried again).
func (f *follower) lookup(ctx context.Context, branch string) (reporteddiff.Lookup, error) {
	if f.check.found != nil || f.check.lookErr != nil {
		if f.check.lookErr != nil {
			return reporteddiff.Lookup{}, f.check.lookErr
		}
		return *f.check.found, nil
	}
	l := reporteddiff.Lookup{Record: f.check.input, From: "the reported_diff input"}
	if f.check.input == nil {
		var err error
		if l, err = deployreport.FindReported(ctx, f.s, f.c, f.db, f.number, branch); err != nil {
			if ctx.Err() == nil {
				f.check.lookErr = err
			}
			return l, err
		}
	}
	f.check.found = &l
	return l, nil
}

// checkDiff logs the statements dr deploys and refuses (exit 4) when they
// differ from what was reported, or nothing records it, unless allowed.
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
	ddl := ddlcheck.Check(ctx, f.c, f.db, dr.IntoBranch, ops, f.s.Warnf)
	f.logStatements(ddl.Statements, dr.IntoBranch)
	f.check.destructive = ddl.Destructive
	switch {
	case lookErr != nil:
		return f.unchecked(fmt.Sprintf("could not read what open-deploy-request reported about it (%v)", lookErr))
	case look.Record == nil:
		return f.unchecked(fmt.Sprintf("nothing records what open-deploy-request reported about it (%s)", look.From))
	}
	change := look.Record.Compare(ddl.Statements, ddl.Destructive)
	switch {
	case !change.Changed():
		f.s.Logf("these are the statements open-deploy-request reported (%s)", look.From)
		return nil
	case change.OnlyFewer():
		// Every statement it deploys was reported; the others left it,
		// as a deploy ahead that made the same change consumes it.
		f.s.Warnf("deploy request #%d of %s holds fewer statements than open-deploy-request reported (%s): %s; "+
			"a deploy into %s made the same change since, or the branch dropped it; every statement it deploys was reported, so it deploys",
			f.number, f.orgDatabase, look.From, describeChange(change), dr.IntoBranch)
		return nil
	}
	if f.check.allowChanged {
		f.s.Warnf("deploy request #%d of %s changed since open-deploy-request reported it (%s): %s; deploying it anyway (allow_changed_diff)",
			f.number, f.orgDatabase, look.From, describeChange(change))
		return nil
	}
	return step.DeployFailedf("refusing to deploy deploy request #%d of %s: it changed since open-deploy-request reported it (%s): %s; "+
		"review the change and run open-deploy-request again, which reports it, or set allow_changed_diff: true to deploy it as it is",
		f.number, f.orgDatabase, look.From, describeChange(change))
}

// logStatements logs the statements the request deploys into branch,
// unless they were logged as they are already.
func (f *follower) logStatements(stmts []string, branch string) {
	if f.check.statements != nil && slices.Equal(stmts, f.check.statements) {
		return
	}
	f.s.Logf("deploy request #%d of %s deploys %d statement(s) into %s:", f.number, f.orgDatabase, len(stmts), branch)
	for i, st := range stmts {
		// One line each: a statement's own lines could start a workflow command.
		f.s.Logf("%d. %s;", i+1, prose.OneLine(st))
	}
	f.check.statements = stmts
}

// unchecked refuses (exit 4) a request whose statements cannot be checked,
// saying why, unless allow_unchecked makes it a warning.
func (f *follower) unchecked(why string) error {
	if f.check.allowUnchecked {
		f.s.Warnf("deploy request #%d of %s: %s; deploying its statements unchecked (allow_unchecked)", f.number, f.orgDatabase, why)
		return nil
	}
	return step.DeployFailedf("refusing to deploy deploy request #%d of %s: %s; run open-deploy-request again so that it records what it reports, "+
		"pass its reported_diff output as reported_diff, or set allow_unchecked: true to deploy the statements above unchecked", f.number, f.orgDatabase, why)
}

// describeChange names the new statements, the reported ones gone (each cut
// to its first characters) and new destructive changes.
func describeChange(c reporteddiff.Change) string {
	var parts []string
	if len(c.New) > 0 {
		parts = append(parts, "new statements: "+quoteAll(c.New, reporteddiff.Short))
	}
	if len(c.Gone) > 0 {
		parts = append(parts, "reported statements no longer in it: "+quoteAll(c.Gone, func(s string) string { return s }))
	}
	if c.Reordered {
		parts = append(parts, "the same statements in another order")
	}
	if len(c.Destructive) > 0 {
		parts = append(parts, "new destructive changes: "+strings.Join(c.Destructive, ", "))
	}
	return strings.Join(parts, "; ")
}

// quoteAll quotes each statement, shortened by short, in backticks.
func quoteAll(stmts []string, short func(string) string) string {
	quoted := make([]string, 0, len(stmts))
	for _, st := range stmts {
		quoted = append(quoted, "`"+short(st)+"`")
	}
	return strings.Join(quoted, ", ")
}

// newDiffCheck reads the reported_diff and allow_changed_diff inputs.
func newDiffCheck(s *step.Step) (diffCheck, error) {
	check := diffCheck{allowChanged: s.Bool("allow_changed_diff"), allowUnchecked: s.Bool("allow_unchecked")}
	if v := s.String("reported_diff"); v != "" {
		r, err := reporteddiff.Parse(v)
		if err != nil {
			return check, step.Usagef("input reported_diff: %w", err)
		}
		check.input = &r
	}
	return check, nil
}
