package main

import (
	"slices"
	"testing"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/pkg/step"
	"gotest.tools/v3/assert"
)

// TestOutputsNeverSetInputs: no input reads the variable an output is written as, but the
// declared hand-overs, which set exactly the inputs of their own name.
func TestOutputsNeverSetInputs(t *testing.T) {
	t.Parallel()
	assert.NilError(t, step.CheckEnvNames(actions.All()))
	got := map[string][]string{} // "action output" -> "action input" it sets
	for _, a := range actions.All() {
		for _, o := range a.Outputs {
			for _, b := range actions.All() {
				for _, in := range b.Inputs {
					for _, name := range o.EnvNames() {
						if !slices.Contains(in.EnvNames(), name) {
							continue
						}
						assert.Check(t, o.HandOver && in.Name == o.Name && name == o.HandOverEnv(),
							"%s output %s, written as %s, sets %s input %s", a.Name, o.Name, name, b.Name, in.Name)
						got[a.Name+" "+o.Name] = append(got[a.Name+" "+o.Name], b.Name+" "+in.Name)
					}
				}
			}
			for _, name := range o.EnvNames() {
				assert.Check(t, !slices.Contains(step.HarnessEnv, name), "%s output %s is written as %s, which the harness reads", a.Name, o.Name, name)
			}
		}
	}
	// The hand-overs the documented chaining relies on, and no other.
	assert.DeepEqual(t, got, map[string][]string{
		"create-branch branch": {"create-branch branch", "seed-branch branch", "open-deploy-request branch",
			"wait-and-deploy branch", "delete-branch branch", "dump-schema branch"},
		"open-deploy-request number":        {"wait-and-deploy number"},
		"open-deploy-request reported_diff": {"wait-and-deploy reported_diff"},
	})
}
