package branchconn

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"

	"github.com/psflow/psflow/internal/scope"
)

// passwordLock is the named lock a run holds while its password is in use.
// Named locks are server-wide, and a password id is unique.
func passwordLock(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "psflow_pw_" + hex.EncodeToString(sum[:12])
}

// hold takes the password's named lock on a connection of its own, kept
// until Close. A server without named locks leaves bc.held nil.
func (bc *Conn) hold(ctx context.Context) {
	conn, err := bc.Pool.Conn(ctx)
	if err != nil {
		return
	}
	var got sql.NullInt64
	err = conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", passwordLock(bc.Cred.PublicID)).Scan(&got)
	if err != nil || got.Int64 != 1 {
		_ = conn.Close()
		if ctx.Err() == nil {
			bc.s.Logf("the server has no named locks: passwords of psflow runs killed on branch %s are not looked for, and expire with their TTL", bc.branch)
		}
		return
	}
	bc.held = conn
}

// sweepLeftovers deletes the passwords of the run's kind that killed runs
// left on the branch (docs/design/actions-branch-passwords.md).
func (bc *Conn) sweepLeftovers(ctx context.Context) {
	if bc.held == nil {
		return
	}
	defer func() {
		_, _ = bc.held.ExecContext(ctx, "DO RELEASE_LOCK(?)", passwordLock(bc.Cred.PublicID))
		_ = bc.held.Close()
		bc.held = nil
	}()
	old, err := earlier(ctx, bc.c, bc.database, bc.branch, bc.kind, bc.Cred.Password)
	if err != nil {
		bc.s.Warnf("could not look for psflow's earlier passwords on branch %s of %s: %v; they expire with their TTL", bc.branch, scope.OrgDatabase(bc.s), err)
		return
	}
	for _, p := range old {
		var free sql.NullInt64
		if err := bc.held.QueryRowContext(ctx, "SELECT IS_FREE_LOCK(?)", passwordLock(p.PublicID)).Scan(&free); err != nil || free.Int64 != 1 {
			continue // in use by a run that is still going
		}
		removePassword(ctx, bc.s, bc.c, bc.database, bc.branch, p, leftoverLog)
	}
}
