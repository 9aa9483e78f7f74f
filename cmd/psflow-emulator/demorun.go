package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// demoPR is one pull request of the demo, with its own checkout of the
// repository's db/ files.
type demoPR struct {
	number      int
	title, head string
	files       map[string]string
}

// The demo's pull requests: both open at once, both merged at once, so
// their deploys go through the deploy queue one after the other.
var demoPRs = []demoPR{
	{42, "Add hotel descriptions", "feature/descriptions", map[string]string{
		"db/001_hotels_description.sql": "-- The pull request's schema change.\nALTER TABLE hotels ADD COLUMN description VARCHAR(400);\n",
		"db/002_seed.sql": "INSERT INTO hotels (name, address, stars, description) VALUES\n" +
			"  ('Hotel California', '1967 Can Never Leave Ln, San Fancisco CA, 94016', 3.8, 'Such a lovely place'),\n" +
			"  ('The Galt House', '140 N Fourth St, Louisville, KY 40202', 4, 'On the river');\n",
	}},
	{43, "Add reviews", "feature/reviews", map[string]string{
		"db/001_reviews.sql": "CREATE TABLE reviews (\n  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,\n" +
			"  hotel_id INT UNSIGNED NOT NULL,\n  stars TINYINT UNSIGNED NOT NULL,\n  body TEXT\n);\n",
		"db/002_seed.sql": "INSERT INTO reviews (hotel_id, stars, body) VALUES (1, 5, 'Lovely'), (1, 4, 'Loud at night');\n",
	}},
}

// The production schema the demo starts from: the AWS guide's bookings
// API.
var demoProductionSchema = []string{`CREATE TABLE hotels (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(50) NOT NULL,
  address VARCHAR(50) NOT NULL,
  stars FLOAT UNSIGNED
)`}

// demoStep is one psflow command of the demo, for one pull request.
type demoStep struct {
	pr     demoPR
	action string
	event  string // the pull request event: opened or merged
}

func (d *demoRun) run(ctx context.Context) error {
	for _, pr := range demoPRs {
		files := map[string]string{"event-opened.json": pullRequestEvent(pr, "opened", false), "event-merged.json": pullRequestEvent(pr, "closed", true)}
		for name, content := range pr.files {
			files[name] = content
		}
		if err := writeFiles(d.prDir(pr), files); err != nil {
			return err
		}
	}
	mainDB, ok := d.em.BranchDatabase("app", "main")
	if !ok {
		return fmt.Errorf("the emulator has no main branch")
	}
	if err := d.em.Storage().Exec(ctx, mainDB, demoProductionSchema...); err != nil {
		return fmt.Errorf("create the production schema: %w", err)
	}
	fmt.Fprintf(d.out, "psflow demo: PlanetScale emulator on %s, organization acme, database app\n", d.url)
	if err := d.showSchema(ctx, "Production schema before", mainDB); err != nil {
		return err
	}
	// Both pull requests open, then both merge at once: their deploys run
	// side by side, and the deploy queue takes them one after the other.
	var stages [][]demoStep
	for _, pr := range demoPRs {
		for _, action := range []string{"create-branch", "seed-branch", "open-deploy-request"} {
			stages = append(stages, []demoStep{{pr, action, "opened"}})
		}
	}
	for _, action := range []string{"wait-and-deploy", "delete-branch"} {
		var together []demoStep
		for _, pr := range demoPRs {
			together = append(together, demoStep{pr, action, "merged"})
		}
		stages = append(stages, together)
	}
	total := 0
	for _, st := range stages {
		total += len(st)
	}
	start, n := time.Now(), 0
	for _, stage := range stages {
		outs := make([]bytes.Buffer, len(stage))
		errs := make([]error, len(stage))
		var wg sync.WaitGroup
		for i, st := range stage {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = d.step(ctx, &outs[i], st)
			}()
		}
		wg.Wait()
		for i, st := range stage {
			n++
			at := ""
			if len(stage) > 1 {
				at = ", at the same time as the other"
			}
			fmt.Fprintf(d.out, "\n== %d/%d Pull request #%d %s%s: psflow %s\n", n, total, st.pr.number, st.event, at, st.action)
			_, _ = outs[i].WriteTo(d.out)
		}
		if err := errors.Join(errs...); err != nil {
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
	fmt.Fprintf(d.out, "\nTwo pull requests' whole lives took %s and %d API calls. Branches left: %s\n", since(start), calls, d.branches())
	return nil
}

// prDir is the directory holding a pull request's checkout and events.
func (d *demoRun) prDir(pr demoPR) string {
	return filepath.Join(d.work, fmt.Sprintf("pr-%d", pr.number))
}

// step runs one action as a workflow step would, and writes its log,
// outputs and summary to out.
func (d *demoRun) step(ctx context.Context, out io.Writer, st demoStep) error {
	dir := d.prDir(st.pr)
	outFile := filepath.Join(dir, st.action+".env")
	summary := filepath.Join(dir, st.action+".md")
	var args []string
	if st.action == "seed-branch" {
		args = []string{"--files", filepath.Join(dir, "db")}
	}
	cmd := exec.CommandContext(ctx, d.bin, append([]string{st.action}, args...)...)
	cmd.Env = append(os.Environ(),
		"PLANETSCALE_API_URL="+d.url, "PLANETSCALE_ORG=acme",
		"PLANETSCALE_SERVICE_TOKEN_ID="+d.em.TokenID(), "PLANETSCALE_SERVICE_TOKEN="+d.em.Token(),
		"PSFLOW_DATABASE=app", "PSFLOW_MYSQL_CA="+d.em.CAFile(), "GITHUB_EVENT_PATH="+filepath.Join(dir, "event-"+st.event+".json"), "GITHUB_REPOSITORY=acme/bookings-api",
		"PSFLOW_OUTPUT_FILE="+outFile, "PSFLOW_SUMMARY_FILE="+summary, "GITHUB_ACTIONS=", "GITHUB_OUTPUT=", "GITHUB_STEP_SUMMARY=",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	indent(out, &stderr, "  | ")
	fmt.Fprintln(out, "  outputs:")
	indent(out, &stdout, "    ")
	if md, rerr := os.ReadFile(summary); rerr == nil {
		fmt.Fprintln(out, "  summary:")
		indent(out, bytes.NewReader(md), "    ")
	}
	if err != nil {
		return fmt.Errorf("psflow %s for pull request #%d failed: %w", st.action, st.pr.number, err)
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
