package waitanddeploy

import (
	"context"
	"fmt"
	"time"

	"github.com/psflow/psflow/actions/internal/deploycomment"
	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
)

// seedRecordPasswordTTL is the lifetime of the password that drops
// seed-branch's record from a branch, should its deletion fail.
const seedRecordPasswordTTL = 5 * time.Minute

// seedFinder tells whether a deploy request is a deploycomment.SeedRecord.
type seedFinder func(context.Context, *planetscale.Client, string, *planetscale.DeployRequest, []planetscale.Operation) (deploycomment.SeedRecord, bool, error)

// mendSeedRecord drops seed-branch's record from the branch of the
// request dr, which cannot deploy, when the facts say the record is
// already in the target as the branch has it (deploycomment.SeedRecord):
// production keeps its own, the branch (deleted after the deploy) loses
// one that would be created twice. It then waits until the request's
// operations follow the branch, and reports true: the follower reads the
// request again and carries on. It tries once per run, only before this
// run queued a deploy, and never on a production branch. find tells the
// facts: deploycomment.FindSeedRecord, or RecordInTarget once the
// deployments ahead that kept the request from deploying are done
// (awaitSeedAhead).
func (f *follower) mendSeedRecord(ctx context.Context, dr *planetscale.DeployRequest, find seedFinder) (bool, error) {
	if f.seedTried || !f.deploy || !f.deployed.IsZero() {
		return false, nil
	}
	ops, err := f.c.Operations(ctx, f.db, f.number)
	if err != nil {
		return false, err
	}
	rec, ok, err := find(ctx, f.c, f.db, dr, ops)
	if err != nil {
		return false, err
	}
	f.seedTried = true
	if !ok {
		return false, nil
	}
	b, err := f.c.GetBranch(ctx, f.db, dr.Branch)
	if err != nil {
		return false, err
	}
	if b.Production || dr.Branch == dr.IntoBranch {
		f.s.Warnf("branch %s of %s creates seed-branch's record `%s`, which %s already has, but it is a production branch: psflow drops nothing from it",
			dr.Branch, f.where(), shared.SeedMarkerTable, dr.IntoBranch)
		return false, nil
	}
	if err := f.dropSeedRecord(ctx, dr.Branch); err != nil {
		return false, fmt.Errorf("drop seed-branch's record `%s` from branch %s of %s, so that deploy request #%d can deploy: %w",
			shared.SeedMarkerTable, dr.Branch, f.where(), f.number, err)
	}
	f.check.dropped = rec.Statement
	f.s.Logf("deploy request #%d of %s cannot deploy, and its branch creates seed-branch's record `%s`, which %s has had, defined the same, since after branch %s was made (%s): "+
		"dropped it from branch %s, which is deleted after the deploy; the record never deploys twice",
		f.number, f.where(), shared.SeedMarkerTable, dr.IntoBranch, dr.Branch, b.CreatedAt.UTC().Format("2006-01-02 15:04:05Z"), dr.Branch)
	w := &planetscale.Waiter{
		What: fmt.Sprintf("the operations of deploy request #%d of %s to follow branch %s", f.number, f.where(), dr.Branch),
		Logf: stamped(f.s),
	}
	_, err = w.Wait(ctx, func(ctx context.Context) (string, bool, error) {
		ops, err := f.c.Operations(ctx, f.db, f.number)
		if err != nil {
			return "", false, err
		}
		for _, st := range deploycomment.Statements(ops) {
			if st == rec.Statement {
				return "still creating " + shared.SeedMarkerTable, false, nil
			}
		}
		return "followed", true, nil
	})
	return true, err
}

// dropSeedRecord drops the record table from branch over MySQL with a
// short-lived admin password, deleted when done, whatever happened.
func (f *follower) dropSeedRecord(ctx context.Context, branch string) error {
	bc, err := shared.OpenBranch(ctx, f.s, f.c, f.db, branch, shared.Password{
		Name: fmt.Sprintf("psflow-deploy-%s-%d", branch, time.Now().UnixNano()),
		TTL:  seedRecordPasswordTTL, Conns: 1,
	})
	if err != nil {
		return err
	}
	defer bc.Close()
	_, err = bc.Pool.ExecContext(ctx, "DROP TABLE IF EXISTS `"+shared.SeedMarkerTable+"`")
	return err
}
