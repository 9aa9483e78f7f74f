package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// psflowFlow is the lifecycle as psflow's five subcommands, run by binary as the merged job of
// examples/codebuild/buildspec-pr.yml runs them (docs/design/bench.md).
func psflowFlow(name string, binary func(config) string) flow {
	cmd := func(action string, args ...string) step {
		return step{name: "psflow " + action, run: func(ctx context.Context, r *run) error {
			out := filepath.Join(r.dir, "psflow.env")
			_, err := command(ctx, r.em.PsflowEnv(database, out), "bash",
				append([]string{"-c", `set -a; if [ -f "$PSFLOW_OUTPUT_FILE" ]; then . "$PSFLOW_OUTPUT_FILE"; fi; set +a; exec "$0" "$@"`,
					binary(r.cfg), action, "--branch", branch}, args...)...)
			return err
		}}
	}
	return flow{
		name: name,
		what: "psflow create-branch, seed-branch, open-deploy-request, wait-and-deploy, delete-branch",
		steps: []step{
			cmd("create-branch", "--create-password=false"),
			seedStep(cmd),
			changeSchema,
			cmd("open-deploy-request", "--comment=false"),
			cmd("wait-and-deploy", "--comment=false"),
			cmd("delete-branch"),
		},
		skip: func(config) string { return "" },
	}
}

// schemaSQL is the schema file psflow seed-branch makes the branch hold:
// production's, as the pull request's change is made after it.
const schemaSQL = benchkit.ProductionSchema + ";\n"

// seedSQL is the data psflow seed-branch loads.
const seedSQL = "INSERT INTO hotels (name, address, stars) VALUES\n" +
	"  ('Hotel California', '1967 Can Never Leave Ln, San Fancisco CA, 94016', 3.8),\n" +
	"  ('The Galt House', '140 N Fourth St, Louisville, KY 40202', 4);\n"

// seedStep is psflow seed-branch checking the branch's schema against a
// schema file (production's hotels table) and loading a two-row data file.
func seedStep(cmd func(string, ...string) step) step {
	return step{name: "psflow seed-branch", run: func(ctx context.Context, r *run) error {
		schema, data := filepath.Join(r.dir, "schema.sql"), filepath.Join(r.dir, "data.sql")
		if err := os.WriteFile(schema, []byte(schemaSQL), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(data, []byte(seedSQL), 0o600); err != nil {
			return err
		}
		return cmd("seed-branch", "--schema", schema, "--data", data).run(ctx, r)
	}}
}

// pscale runs the pscale CLI against the run's emulator, with the
// service token and organization as flags after the subcommand.
func (r *run) pscale(ctx context.Context, args ...string) ([]byte, error) {
	args = append(args, "--api-url", r.em.URL(), "--service-token-id", r.em.TokenID(),
		"--service-token", r.em.Token(), "--org", r.em.Org())
	return command(ctx, r.pscaleEnv(), r.cfg.pscale, args...)
}

// pscaleEnv keeps pscale's configuration in the run's directory and turns
// off its self-build warning and its update check (no network here).
func (r *run) pscaleEnv() []string {
	return append(os.Environ(), "HOME="+filepath.Join(r.dir, "home"),
		"PSCALE_DISABLE_DEV_WARNING=true", "PSCALE_NO_UPDATE_NOTIFIER=1")
}

// pscaleStep is one pscale command as a step.
func pscaleStep(name string, args ...string) step {
	return step{name: name, run: func(ctx context.Context, r *run) error {
		_, err := r.pscale(ctx, args...)
		return err
	}}
}

// pscaleBranchSteps create the branch and its password with pscale.
var pscaleBranchSteps = []step{
	pscaleStep("pscale branch create --wait", "branch", "create", database, branch, "--wait"),
	pscaleStep("pscale password create", "password", "create", database, branch, "ci", "--format", "json"),
}

// pscaleFlow is the lifecycle with the pscale CLI: a deploy request with auto-apply, polled
// with show every second until its diff is known, then deployed with --wait.
func pscaleFlow() flow {
	steps := append(append([]step{}, pscaleBranchSteps...),
		changeSchema,
		step{name: "pscale deploy-request create", run: func(ctx context.Context, r *run) error {
			out, err := r.pscale(ctx, "deploy-request", "create", database, branch, "--enable-auto-apply", "--format", "json")
			if err != nil {
				return err
			}
			var dr struct{ Number uint64 }
			if err := json.Unmarshal(out, &dr); err != nil || dr.Number == 0 {
				return fmt.Errorf("read the deploy request number from %q: %v", out, err)
			}
			r.number = fmt.Sprint(dr.Number)
			return nil
		}},
		step{name: "pscale deploy-request show (until not pending)", run: waitDiff},
		step{name: "pscale deploy-request deploy --wait", run: func(ctx context.Context, r *run) error {
			_, err := r.pscale(ctx, "deploy-request", "deploy", database, r.number, "--wait")
			return err
		}},
		pscaleStep("pscale branch delete", "branch", "delete", database, branch, "--force"),
	)
	return flow{
		name:  "pscale",
		what:  "pscale branch create --wait, password create, deploy-request create/show/deploy --wait, branch delete",
		steps: steps,
		skip:  needPscale,
	}
}

// waitDiff polls deploy-request show every second until the deployment
// is no longer pending.
func waitDiff(ctx context.Context, r *run) error {
	for {
		out, err := r.pscale(ctx, "deploy-request", "show", database, r.number, "--format", "json")
		if err != nil {
			return err
		}
		var dr struct {
			Deployment struct{ State string }
		}
		if err := json.Unmarshal(out, &dr); err != nil {
			return fmt.Errorf("read deploy-request show: %w", err)
		}
		if dr.Deployment.State != "pending" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func needPscale(cfg config) string {
	if cfg.pscale == "" {
		return "not run (set PSFLOW_PSCALE to a pscale binary)"
	}
	return ""
}
