// Command count-deploy-requests is a custom step built on psflow's
// packages: it outputs how many open deploy requests a database has.
package main

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

var countDeployRequests = &step.Action{
	Name:        "count-deploy-requests",
	Command:     "count-deploy-requests", // in usage and errors; "psflow <Name>" when left out
	Description: "Output how many open deploy requests a database has.",
	Inputs: []step.Input{
		{Name: "org", Description: "Organization.", Required: true, Env: "PLANETSCALE_ORG"},
		{Name: "database", Description: "Database.", Required: true},
		{Name: "service_token_id", Description: "Service token id.", Required: true, Env: "PLANETSCALE_SERVICE_TOKEN_ID"},
		{Name: "service_token", Description: "Service token.", Required: true, Secret: true, Env: "PLANETSCALE_SERVICE_TOKEN"},
		{Name: "api_url", Description: "API URL.", Default: planetscale.DefaultAPIURL, Env: "PLANETSCALE_API_URL"},
	},
	Outputs: []step.Output{{Name: "count", Description: "Open deploy requests."}},
	Run: func(ctx context.Context, s *step.Step) error {
		c, err := planetscale.New(planetscale.Config{
			APIURL: s.String("api_url"), Org: s.String("org"),
			TokenID: s.String("service_token_id"), Token: s.String("service_token"), Logf: s.Logf,
		})
		if err != nil {
			return step.Usagef("%w", err)
		}
		open, err := c.ListDeployRequests(ctx, s.String("database"), planetscale.DeployFilter{State: planetscale.RequestOpen})
		if err != nil {
			return err
		}
		for _, dr := range open {
			s.Logf("#%d %s → %s: %s", dr.Number, dr.Branch, dr.IntoBranch, dr.DeploymentState)
		}
		s.Output("count", strconv.Itoa(len(open)))
		return nil
	},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := step.Run(ctx, countDeployRequests, step.OSEnv(os.Args[1:]))
	stop()
	os.Exit(step.ExitCode(err))
}
