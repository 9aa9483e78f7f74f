package main

import (
	"context"
	"os"
	"path/filepath"
)

// guideScript is the deploy command of the CodeBuild guide's production buildspec
// (shared/seeds/003_…), as printed there (docs/design/bench.md).
const guideScript = `DR_NUM=$(pscale deploy-request create bookings_api dev --service-token $PS_TOKEN --service-token-id $PS_TOKEN_ID --org $PS_ORG --format json | jq '.number' )
DR_STATE=$(pscale deploy-request show bookings_api $DR_NUM --service-token $PS_TOKEN --service-token-id $PS_TOKEN_ID --org $PS_ORG --format json | jq -r '.deployment.state')
while [ "$DR_STATE" = "pending" ];
do
sleep 5
DR_STATE=$(pscale deploy-request show bookings_api $DR_NUM --service-token $PS_TOKEN --service-token-id $PS_TOKEN_ID --org $PS_ORG --format json | jq -r '.deployment.state')
echo "State: $DR_STATE"
done
if [ "$DR_STATE" = "no_changes" ]; then
pscale deploy-request close bookings_api $DR_NUM --service-token $PS_TOKEN --service-token-id $PS_TOKEN_ID --org $PS_ORG
else
pscale deploy-request deploy bookings_api $DR_NUM --service-token $PS_TOKEN --service-token-id $PS_TOKEN_ID --org $PS_ORG
fi
`

// guideFlow is the lifecycle as the CodeBuild guide does it: pscale for the branch and password,
// then guideScript run by bash with pscale, jq and the buildspec's variables.
func guideFlow() flow {
	steps := append(append([]step{}, pscaleBranchSteps...),
		changeSchema,
		step{name: "guide script (bash: create, show loop with sleep 5, deploy)", run: runGuideScript},
		pscaleStep("pscale branch delete", "branch", "delete", database, branch, "--force"),
	)
	return flow{
		name:  "guide",
		what:  "pscale branch create --wait, password create, the guide's bash loop (pscale + jq, sleep 5), branch delete",
		steps: steps,
		skip: func(cfg config) string {
			if why := needPscale(cfg); why != "" {
				return why
			}
			if cfg.jq == "" {
				return "not run (jq is not on PATH; apt-get install jq)"
			}
			return ""
		},
	}
}

// runGuideScript runs guideScript with a PATH that finds this pscale.
func runGuideScript(ctx context.Context, r *run) error {
	bin := filepath.Join(r.dir, "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		return err
	}
	if err := os.Symlink(r.cfg.pscale, filepath.Join(bin, "pscale")); err != nil && !os.IsExist(err) {
		return err
	}
	env := append(r.pscaleEnv(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PLANETSCALE_API_URL="+r.em.URL(),
		"PS_TOKEN="+r.em.Token(), "PS_TOKEN_ID="+r.em.TokenID(), "PS_ORG="+r.em.Org(),
	)
	_, err := command(ctx, env, "bash", "-c", guideScript)
	return err
}
