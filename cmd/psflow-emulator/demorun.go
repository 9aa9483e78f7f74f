package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// demoPR is one pull request of the demo: its changes to main's files
// (path → content).
type demoPR struct {
	number      int
	title, head string
	changes     map[string]string
}

// The repository's files on main when the demo starts: the AWS guide's
// bookings API, whose schema production already has.
var demoMain = map[string]string{
	"db/schema/hotels.sql": "CREATE TABLE hotels (\n  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,\n  name VARCHAR(50) NOT NULL,\n" +
		"  address VARCHAR(50) NOT NULL,\n  stars FLOAT UNSIGNED\n);\n",
}

// The demo's pull requests, one after the other: #43 is opened after #42 deployed, so its
// branch and files already have #42's column.
var demoPRs = []demoPR{
	{42, "Add hotel descriptions", "feature/descriptions", map[string]string{
		"db/schema/hotels.sql": "CREATE TABLE hotels (\n  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,\n  name VARCHAR(50) NOT NULL,\n" +
			"  address VARCHAR(50) NOT NULL,\n  stars FLOAT UNSIGNED,\n  description VARCHAR(400)\n);\n",
		"db/data/hotels.sql": "INSERT INTO hotels (name, address, stars, description) VALUES\n" +
			"  ('Hotel California', '1967 Can Never Leave Ln, San Fancisco CA, 94016', 3.8, 'Such a lovely place'),\n" +
			"  ('The Galt House', '140 N Fourth St, Louisville, KY 40202', 4, 'On the river');\n",
	}},
	{43, "Add reviews", "feature/reviews", map[string]string{
		"db/schema/reviews.sql": "CREATE TABLE reviews (\n  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,\n" +
			"  hotel_id INT UNSIGNED NOT NULL,\n  stars TINYINT UNSIGNED NOT NULL,\n  body TEXT\n);\n",
		"db/data/reviews.sql": "INSERT INTO reviews (hotel_id, stars, body) VALUES (1, 5, 'Lovely'), (1, 4, 'Loud at night');\n",
	}},
}

// demoStep is one psflow command of the demo, for one pull request.
type demoStep struct {
	pr     demoPR
	action string
	event  string // the pull request event: opened or merged
}

// The steps of the example workflow's jobs: an opened (or pushed) pull request's, and a
// merged one's, which seeds the branch from main's files again before it deploys.
var (
	openedSteps = []string{"create-branch", "seed-branch", "open-deploy-request"}
	mergedSteps = []string{"create-branch", "seed-branch", "open-deploy-request", "wait-and-deploy", "delete-branch"}
)

func (d *demoRun) run(ctx context.Context) error {
	mainDB, ok := d.em.BranchDatabase("app", "main")
	if !ok {
		return fmt.Errorf("the emulator has no main branch")
	}
	if err := d.em.Storage().Exec(ctx, mainDB, strings.TrimSuffix(strings.TrimSpace(demoMain["db/schema/hotels.sql"]), ";")); err != nil {
		return fmt.Errorf("create the production schema: %w", err)
	}
	fmt.Fprintf(d.out, "psflow demo: PlanetScale emulator on %s, organization acme, database app\n", d.url)
	fmt.Fprintln(d.out, "One repository, two pull requests one after the other; each job runs on the files its checkout holds.")
	if err := d.showSchema(ctx, "Production schema before", mainDB); err != nil {
		return err
	}
	main := maps.Clone(demoMain)
	total := len(demoPRs) * (len(openedSteps) + len(mergedSteps))
	start, n := time.Now(), 0
	for _, pr := range demoPRs {
		// The pull request's checkout: main as it is now with its changes.
		tree := maps.Clone(main)
		maps.Copy(tree, pr.changes)
		for _, job := range []struct {
			event string
			steps []string
		}{{"opened", openedSteps}, {"merged", mergedSteps}} {
			if err := d.checkout(pr, job.event, tree); err != nil {
				return err
			}
			fmt.Fprintf(d.out, "\n== Pull request #%d %s, files: %s\n", pr.number, job.event, strings.Join(slices.Sorted(maps.Keys(tree)), ", "))
			for _, action := range job.steps {
				n++
				fmt.Fprintf(d.out, "\n== %d/%d Pull request #%d %s: psflow %s\n", n, total, pr.number, job.event, action)
				if err := d.step(ctx, d.out, demoStep{pr, action, job.event}); err != nil {
					return err
				}
			}
			main = tree // the merge
		}
		if err := d.showSchema(ctx, fmt.Sprintf("\nProduction schema after #%d", pr.number), mainDB); err != nil {
			return err
		}
	}
	calls := 0
	for _, n := range d.em.Counts() {
		calls += n
	}
	fmt.Fprintf(d.out, "\nTwo pull requests' whole lives took %s and %d API calls. Branches left: %s\n", since(start), calls, d.branches())
	return nil
}

// checkout writes a pull request's files and event payload for one event into its
// directory, replacing what an earlier event's job wrote.
func (d *demoRun) checkout(pr demoPR, event string, tree map[string]string) error {
	dir := d.prDir(pr)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	files := maps.Clone(tree)
	files["event-"+event+".json"] = pullRequestEvent(pr, map[string]string{"opened": "opened", "merged": "closed"}[event], event == "merged")
	return writeFiles(dir, files)
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
		args = []string{"--schema", filepath.Join(dir, "db", "schema"), "--data", filepath.Join(dir, "db", "data")}
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

// writeFiles writes name → content under dir.
func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// pullRequestEvent is the payload GitHub puts at GITHUB_EVENT_PATH.
func pullRequestEvent(pr demoPR, action string, merged bool) string {
	state := "open"
	if action == "closed" {
		state = "closed"
	}
	data, _ := json.Marshal(map[string]any{
		"action": action, "number": pr.number,
		"pull_request": map[string]any{
			"number": pr.number, "title": pr.title, "state": state, "merged": merged,
			"html_url": fmt.Sprintf("https://github.com/acme/bookings-api/pull/%d", pr.number),
			"head":     map[string]any{"ref": pr.head}, "base": map[string]any{"ref": "main"},
		},
	})
	return string(data)
}

// indent copies r to w with every line indented.
func indent(w io.Writer, r io.Reader, prefix string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		fmt.Fprintf(w, "%s%s\n", prefix, sc.Text())
	}
}

// since formats an elapsed time for the demo's log.
func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
