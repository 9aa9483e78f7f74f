package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/psflow/psflow/pkg/emulator/internal/ddl"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// Target is the storage database a deployment goes into, with its database's
// allow_foreign_key_constraints.
type Target struct {
	StorageDB   string
	ForeignKeys bool
}

// Planned is a plan with its collisions with the deployments ahead it was checked against.
type Planned struct {
	Plan       Plan
	Collisions []Collision
}

// PlanOnto plans fork to branch onto the target as it is (Evaluate) and, if that deploys,
// checks it against the target as the deployments ahead will leave it (CheckQueue).
func PlanOnto(ctx context.Context, s *storage.Server, fork, branch []storage.Table, into Target, ahead []Ahead) (Planned, error) {
	tables, err := s.Schema(ctx, into.StorageDB)
	if err != nil {
		return Planned{}, err
	}
	sides := Sides{Fork: storage.Statements(fork), Branch: storage.Statements(branch),
		Target: storage.Statements(tables), ForeignKeys: into.ForeignKeys}
	plan, err := Evaluate(sides)
	if err != nil {
		return Planned{}, err
	}
	p := Planned{Plan: plan}
	if plan.Deployable() {
		if p.Collisions, err = CheckQueue(sides, ahead); err != nil {
			return Planned{}, err
		}
	}
	return p, nil
}

// KeepLosses saves, in a new storage database that name gives, the tables of into whose data
// turning before into after loses, and names it ("" when nothing is lost).
func KeepLosses(ctx context.Context, s *storage.Server, into string, before, after []string, name func() string) (string, error) {
	losses, err := ddl.Losses(before, after)
	if err != nil || len(losses) == 0 {
		return "", err
	}
	keep := name()
	tables := make([]string, len(losses))
	for i, l := range losses {
		tables[i] = l.Table
	}
	if err := s.CreateDatabase(ctx, keep); err != nil {
		return "", err
	}
	if err := s.SaveTables(ctx, into, keep, tables...); err != nil {
		return "", errors.Join(err, s.DropDatabase(context.WithoutCancel(ctx), keep))
	}
	return keep, nil
}

// Undo reverts on into the deployment that turned before into after, merging back three ways,
// and brings back from keep the data it dropped (docs/design/emulator-deploy.md).
func Undo(ctx context.Context, s *storage.Server, into string, before, after []string, keep string) error {
	if into == "" {
		return errors.New("the branch deployed into no longer exists")
	}
	current, err := s.Schema(ctx, into)
	if err != nil {
		return err
	}
	m, err := ddl.ThreeWay(after, before, storage.Statements(current))
	if err != nil {
		return err
	}
	if len(m.Conflicts) > 0 {
		return fmt.Errorf("cannot revert: %s", m.Conflicts[0])
	}
	if err := s.Exec(ctx, into, m.Plan.Statements()...); err != nil {
		return err
	}
	if keep == "" {
		return nil
	}
	losses, err := ddl.Losses(before, after)
	if err != nil {
		return err
	}
	for _, l := range losses {
		if l.Dropped {
			err = s.RestoreRows(ctx, keep, into, l.Table)
		} else {
			err = s.RestoreColumns(ctx, keep, into, l.Table, l.Key, l.Columns)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
