package waitanddeploy

import (
	"context"
	"time"

	"github.com/psflow/psflow/pkg/planetscale"
)

// approvalRecheck is how long the approval setting is trusted while a
// deploy waits for an approval, before it is read again.
const approvalRecheck = 30 * time.Second

// awaitApproval reports whether the ready request dr waits for an approval
// the database requires, logging when the wait starts and ends.
func (f *follower) awaitApproval(ctx context.Context, dr *planetscale.DeployRequest) (bool, error) {
	a := &f.approval
	if !dr.Approved && a.asked && time.Since(a.readAt) >= approvalRecheck {
		d, err := f.c.GetDatabase(ctx, f.db)
		switch {
		case err == nil:
			a.required = d.RequireApprovalForDeploy
		case planetscale.Transient(err) || ctx.Err() != nil:
			return false, err
		default:
			f.s.Warnf("could not read whether %s requires approvals for deploys: %v", f.orgDatabase, err)
			a.required = false
		}
		a.readAt = time.Now()
	}
	if !dr.Approved && a.required {
		if !a.waiting {
			a.waiting, f.refused = true, nil
			f.s.Logf("deploy request #%d of %s needs an approval before it can be deployed: the database requires approval for deploys "+
				"(require_approval_for_deploy); waiting until a database administrator other than its author approves it on PlanetScale (%s)",
				f.number, f.orgDatabase, dr.HtmlURL)
		}
		return true, nil
	}
	if a.waiting {
		a.waiting = false
		f.s.Logf("deploy request #%d of %s no longer waits for an approval (approved: %t)", f.number, f.orgDatabase, dr.Approved)
	}
	return false, nil
}
