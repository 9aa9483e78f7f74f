// Package actions lists psflow's actions in pull-request order, then the
// onboarding commands; the binary and the generator read these declarations.
package actions

import (
	createbranch "github.com/psflow/psflow/actions/create-branch"
	deletebranch "github.com/psflow/psflow/actions/delete-branch"
	dumpschema "github.com/psflow/psflow/actions/dump-schema"
	opendeployrequest "github.com/psflow/psflow/actions/open-deploy-request"
	seedbranch "github.com/psflow/psflow/actions/seed-branch"
	setupmigrations "github.com/psflow/psflow/actions/setup-migrations"
	waitanddeploy "github.com/psflow/psflow/actions/wait-and-deploy"
	"github.com/psflow/psflow/pkg/step"
)

//go:generate go run ../internal/gen -root ..

// All returns every action.
func All() []*step.Action {
	return []*step.Action{
		createbranch.Action,
		seedbranch.Action,
		opendeployrequest.Action,
		waitanddeploy.Action,
		deletebranch.Action,
		dumpschema.Action,
		setupmigrations.Action,
	}
}

// Find returns the named action.
func Find(name string) (*step.Action, bool) {
	for _, a := range All() {
		if a.Name == name {
			return a, true
		}
	}
	return nil, false
}
