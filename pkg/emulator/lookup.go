package emulator

import (
	"net/http"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// lookupDatabase finds a database of the emulator's organization. The
// caller holds e.mu.
func (e *Emulator) lookupDatabase(org, name string) (*database, error) {
	if org != e.org.name {
		return nil, notFound("organization %s not found", org)
	}
	db := e.dbs[name]
	if db == nil {
		return nil, notFound("database %s not found in organization %s", name, org)
	}
	return db, nil
}

// lookupBranch finds a branch. The caller holds e.mu.
func (e *Emulator) lookupBranch(org, dbName, name string) (*database, *branch, error) {
	db, err := e.lookupDatabase(org, dbName)
	if err != nil {
		return nil, nil, err
	}
	b := db.branches[name]
	if b == nil {
		return nil, nil, notFound("branch %s not found in database %s", name, dbName)
	}
	return db, b, nil
}

// pathDatabase finds the database named in the request path. The caller
// holds e.mu.
func (e *Emulator) pathDatabase(r *http.Request) (*database, error) {
	return e.lookupDatabase(r.PathValue("organization"), r.PathValue("database"))
}

// pathBranch finds the branch named in the request path. The caller holds
// e.mu.
func (e *Emulator) pathBranch(r *http.Request) (*database, *branch, error) {
	return e.lookupBranch(r.PathValue("organization"), r.PathValue("database"), r.PathValue("branch"))
}

// stillThere finds the request path's branch again after work done without e.mu, and answers
// 404 if it is gone or was replaced. The caller holds e.mu.
func (e *Emulator) stillThere(r *http.Request, b *branch) (*database, error) {
	db, now, err := e.pathBranch(r)
	if err == nil && now != b {
		err = notFound("branch %s not found in database %s", b.name, db.name)
	}
	return db, err
}

// queueOf is the deploy queue of the branch into (deploy.Queue). The
// caller holds e.mu.
func queueOf(db *database, into string) (deploy.Queue, map[uint64]*deployRequest) {
	var q deploy.Queue
	byNumber := map[uint64]*deployRequest{}
	for _, dr := range db.drs {
		if dr.into != into {
			continue
		}
		q = append(q, dr.Entry(dr.number))
		byNumber[dr.number] = dr
	}
	return q, byNumber
}

// aheadOf lists the deployments ahead of dr in its queue (all of it if dr is not queued) that
// may still change the target, with their queued sides. The caller holds e.mu.
func aheadOf(db *database, dr *deployRequest) []deploy.Ahead {
	q, byNumber := queueOf(db, dr.into)
	var out []deploy.Ahead
	for _, e := range q.Order() {
		if e.Number == dr.number {
			break
		}
		a := byNumber[e.Number]
		if a.DeployedAt.IsZero() && a.queued.set && !e.Blocking() {
			out = append(out, deploy.Ahead{Number: a.number, Fork: storage.Statements(a.queued.fork), Branch: storage.Statements(a.queued.branch)})
		}
	}
	return out
}
