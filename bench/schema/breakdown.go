package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/bench/internal/benchkit"
)

// traced is one run of the breakdown: its wall time, the API calls it
// made and the statements that reached the storage.
type traced struct {
	result
	api     int
	edge    userStats // what psflow sent through the edge
	emuCmds int       // the emulator's own statements (passwords)
	emuTime time.Duration
}

// breakdown runs each case once more, untimed, against an emulator whose storage is behind a
// proxy counting the statements that reach it and the server's time on them.
func (b *bench) breakdown(ctx context.Context) (_ []traced, err error) {
	p, err := startProxy(b.server.Addr)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, p.Close()) }()
	cfg := b.server.Clone()
	cfg.Addr = p.Addr()
	em, sdk, err := startEmulator(ctx, cfg.FormatDSN())
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, em.Stop()) }()
	var out []traced
	for _, data := range []bool{false, true} {
		branch := "breakdown-s"
		if data {
			branch = "breakdown-d"
		}
		if _, err := sdk.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: benchkit.Org, Database: "app", Name: branch, ParentBranch: "main"}); err != nil {
			return out, fmt.Errorf("create branch %s: %w", branch, err)
		}
		if err := b.setAlt(false); err != nil {
			return out, err
		}
		r := runner{b: b, em: em, branch: branch, data: data}
		for _, cas := range []string{caseFresh, caseUnchanged, caseChanged} {
			p.take()
			hits := len(em.Hits())
			res, err := r.run(ctx, 0, cas)
			if err != nil {
				return out, err
			}
			t := traced{result: res, api: len(em.Hits()) - hits}
			for user, st := range p.take() {
				if user == b.server.User {
					t.emuCmds += st.Commands
					t.emuTime += st.Server
					continue
				}
				t.edge.merge(st)
			}
			logf("breakdown %s%s: %s, %d statements through the edge, %s in the server", cas, withData(data), res.wall.Round(time.Millisecond), t.edge.Commands, t.edge.Server.Round(time.Millisecond))
			out = append(out, t)
		}
	}
	return out, nil
}
