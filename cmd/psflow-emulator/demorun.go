package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
)

// demoRun is one run of the demo.
type demoRun struct {
	em     *emulator.Emulator
	url    string
	bin    string
	work   string
	out    io.Writer
	getenv func(string) string
}

// The production schema the demo starts from (the AWS guide's bookings
// API) and the pull request's change and seed data.
var demoFiles = map[string]string{
	"db/001_hotels_description.sql": "-- The pull request's schema change.\nALTER TABLE hotels ADD COLUMN description VARCHAR(400);\n",
	"db/002_seed.sql": "INSERT INTO hotels (name, address, stars, description) VALUES\n" +
		"  ('Hotel California', '1967 Can Never Leave Ln, San Fancisco CA, 94016', 3.8, 'Such a lovely place'),\n" +
		"  ('The Galt House', '140 N Fourth St, Louisville, KY 40202', 4, 'On the river');\n",
	"event-opened.json": pullRequestEvent("opened", false),
	"event-merged.json": pullRequestEvent("closed", true),
}

const demoProductionSchema = `CREATE TABLE hotels (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(50) NOT NULL,
  address VARCHAR(50) NOT NULL,
  stars FLOAT UNSIGNED
)`

func (d *demoRun) run(ctx context.Context) error {
	if err := writeFiles(d.work, demoFiles); err != nil {
		return err
	}
	mainDB, ok := d.em.BranchDatabase("app", "main")
	if !ok {
		return fmt.Errorf("the emulator has no main branch")
	}
	if err := d.em.Storage().Exec(ctx, mainDB, demoProductionSchema); err != nil {
		return fmt.Errorf("create the production schema: %w", err)
	}
	fmt.Fprintf(d.out, "psflow demo: PlanetScale emulator on %s, organization acme, database app\n", d.url)
	if err := d.showSchema(ctx, "Production schema before", mainDB); err != nil {
		return err
	}
	steps := []struct {
		title, action, event string
		args                 []string
	}{
		{"Pull request #42 opened", "create-branch", "event-opened.json", nil},
		{"Pull request #42 opened", "seed-branch", "event-opened.json", []string{"--files", filepath.Join(d.work, "db")}},
		{"Pull request #42 opened", "open-deploy-request", "event-opened.json", nil},
		{"Pull request #42 merged", "wait-and-deploy", "event-merged.json", nil},
		{"Pull request #42 merged", "delete-branch", "event-merged.json", nil},
	}
	start := time.Now()
	for i, st := range steps {
		fmt.Fprintf(d.out, "\n== %d/5 %s: psflow %s\n", i+1, st.title, st.action)
		if err := d.step(ctx, st.action, st.event, st.args); err != nil {
			return err
		}
	}
	if err := d.showSchema(ctx, "\nProduction schema after", mainDB); err != nil {
		return err
	}
	calls := 0
	for _, n := range d.em.Counts() {
		calls += n
	}
	fmt.Fprintf(d.out, "\nThe pull request's whole life took %s and %d API calls. Branches left: %s\n", since(start), calls, d.branches())
	return nil
}

// step runs one action as a workflow step would, then shows its outputs
// and summary.
func (d *demoRun) step(ctx context.Context, action, event string, args []string) error {
	outFile := filepath.Join(d.work, action+".env")
	summary := filepath.Join(d.work, action+".md")
	cmd := exec.CommandContext(ctx, d.bin, append([]string{action}, args...)...)
	cmd.Env = append(os.Environ(),
		"PLANETSCALE_API_URL="+d.url, "PLANETSCALE_ORG=acme",
		"PLANETSCALE_SERVICE_TOKEN_ID="+d.em.TokenID(), "PLANETSCALE_SERVICE_TOKEN="+d.em.Token(),
		"PSFLOW_DATABASE=app", "PSFLOW_MYSQL_CA="+d.em.CAFile(), "GITHUB_EVENT_PATH="+filepath.Join(d.work, event), "GITHUB_REPOSITORY=acme/bookings-api",
		"PSFLOW_OUTPUT_FILE="+outFile, "PSFLOW_SUMMARY_FILE="+summary, "GITHUB_ACTIONS=", "GITHUB_OUTPUT=", "GITHUB_STEP_SUMMARY=",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	indent(d.out, &stderr, "  | ")
	fmt.Fprintln(d.out, "  outputs:")
	indent(d.out, &stdout, "    ")
	if md, rerr := os.ReadFile(summary); rerr == nil {
		fmt.Fprintln(d.out, "  summary:")
		indent(d.out, bytes.NewReader(md), "    ")
	}
	if err != nil {
		return fmt.Errorf("psflow %s failed: %w", action, err)
	}
	return nil
}

// showSchema prints the CREATE statements of a storage database.
func (d *demoRun) showSchema(ctx context.Context, title, db string) error {
	tables, err := d.em.Storage().Schema(ctx, db)
	if err != nil {
		return fmt.Errorf("read the schema: %w", err)
	}
	fmt.Fprintf(d.out, "%s:\n", title)
	for _, t := range tables {
		indent(d.out, strings.NewReader(t.SQL+";"), "  ")
	}
	return nil
}

// branches lists the branches of app, comma separated.
func (d *demoRun) branches() string {
	var names []string
	for _, db := range d.em.State().Databases {
		for _, b := range db.Branches {
			names = append(names, b.Name)
		}
	}
	return strings.Join(names, ", ")
}
