package dumpschema

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	dir := s.String("dir")
	if dir == "" {
		return step.Usagef("input dir is empty; name the directory to write the schema to")
	}
	c, err := scope.Client(s)
	if err != nil {
		return err
	}
	db := s.String("database")
	d, err := c.GetDatabase(ctx, db)
	if err != nil {
		return err
	}
	branch := s.String("branch")
	if branch == "" {
		branch = d.DefaultBranch
	} else if err := planetscale.ValidateBranchName(branch); err != nil {
		return step.Usagef("input branch: %w", err)
	}
	schema, err := c.BranchSchema(ctx, db, branch)
	if err != nil {
		return err
	}
	objs, skipped, err := objects(schema, leftOut(d))
	if err != nil {
		return fmt.Errorf("dump branch %s of %s: %w", branch, scope.OrgDatabase(s), err)
	}
	for _, l := range skipped {
		s.Logf("leaving out table %s: %s", l.name, l.why)
	}
	p, err := planDir(dir, objs)
	if err != nil {
		return step.Usagef("input dir: %w", err)
	}
	prune := s.Bool("prune")
	if len(p.foreign) > 0 && !prune {
		return step.Usagef("%s holds .sql files that the schema of branch %s of %s does not define, and nothing was written: %s; "+
			"move them out of %s, or set prune: true to delete them", dir, branch, scope.OrgDatabase(s), strings.Join(p.foreign, ", "), dir)
	}
	if err := p.apply(prune); err != nil {
		return err
	}
	report(s, p, prune, branch, skipped)
	return nil
}

// leftOut names the tables a dump leaves out, with why: the database's
// migration table.
func leftOut(d *planetscale.Database) map[string]string {
	skip := map[string]string{}
	if d.AutomaticMigrations && d.MigrationTableName != "" {
		skip[d.MigrationTableName] = "the database's migration table (automatic migrations), which seed-branch leaves alone"
	}
	return skip
}

// report logs what the dump did, sets the outputs and writes the summary.
func report(s *step.Step, p *plan, pruned bool, branch string, skipped []left) {
	var tables, views, files []string
	status := map[string]string{}
	for _, o := range p.write {
		status[o.Name] = "written"
	}
	for _, o := range p.same {
		status[o.Name] = "unchanged"
	}
	all := append(append([]object{}, p.write...), p.same...)
	slices.SortFunc(all, func(a, b object) int { return strings.Compare(a.Name, b.Name) })
	var md strings.Builder
	fmt.Fprintf(&md, "### psflow dump-schema\n\nSchema of branch `%s` of %s in `%s`: ", branch, scope.OrgDatabase(s), p.dir)
	for _, o := range all {
		if o.View {
			views = append(views, o.Name)
		} else {
			tables = append(tables, o.Name)
		}
		files = append(files, filepath.Join(p.dir, o.File()))
	}
	fmt.Fprintf(&md, "%d tables, %d views; %d files written, %d unchanged.\n\n", len(tables), len(views), len(p.write), len(p.same))
	if len(all) > 0 {
		md.WriteString("| File | Kind | |\n|---|---|---|\n")
		for _, o := range all {
			kind := "table"
			if o.View {
				kind = "view"
			}
			fmt.Fprintf(&md, "| `%s` | %s | %s |\n", o.File(), kind, status[o.Name])
		}
	}
	if pruned && len(p.foreign) > 0 {
		fmt.Fprintf(&md, "\nDeleted, as the schema no longer defines them: `%s`.\n", strings.Join(p.foreign, "`, `"))
		s.Logf("deleted %s from %s: the schema of branch %s does not define them", strings.Join(p.foreign, ", "), p.dir, branch)
	}
	for _, l := range skipped {
		fmt.Fprintf(&md, "\nLeft out `%s`: %s.\n", l.name, l.why)
	}
	s.Logf("wrote the schema of branch %s of %s to %s: %d tables, %d views; %d files written, %d unchanged",
		branch, scope.OrgDatabase(s), p.dir, len(tables), len(views), len(p.write), len(p.same))
	s.Summary(md.String())
	s.Output("dir", p.dir)
	s.Output("tables", strings.Join(tables, "\n"))
	s.Output("views", strings.Join(views, "\n"))
	s.Output("files", strings.Join(files, "\n"))
}
