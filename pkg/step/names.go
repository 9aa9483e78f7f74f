package step

import (
	"errors"
	"fmt"
	"strings"
)

// OutputPrefix starts the name of every output in an output file: PSFLOW_OUT_<NAME>. No input
// reads that namespace, so sourcing an output file sets no input but the hand-overs.
const OutputPrefix = "PSFLOW_OUT_"

// HarnessEnv are the variables the harness reads besides the inputs'.
var HarnessEnv = []string{"PSFLOW_OUTPUT_FILE", "PSFLOW_SUMMARY_FILE"}

// EnvName is the output's variable in an output file.
func (o Output) EnvName() string { return OutputPrefix + strings.ToUpper(o.Name) }

// EnvNames are every variable the output is written as: EnvName, and
// for a hand-over the input variable it sets.
func (o Output) EnvNames() []string {
	if o.HandOver {
		return []string{o.EnvName(), o.HandOverEnv()}
	}
	return []string{o.EnvName()}
}

// HandOverEnv is the input variable the output sets when it is a
// hand-over: PSFLOW_<NAME>.
func (o Output) HandOverEnv() string { return "PSFLOW_" + strings.ToUpper(o.Name) }

// CheckEnvNames fails when sourcing an output file of one of actions could change an input of
// any of them other than as a declared hand-over (docs/design/step.md).
func CheckEnvNames(actions []*Action) error {
	readers := map[string][]string{} // variable -> "action input" reading it
	for _, name := range HarnessEnv {
		readers[name] = append(readers[name], "the harness")
	}
	var errs []error
	for _, a := range actions {
		for _, in := range a.Inputs {
			for _, name := range in.EnvNames() {
				readers[name] = append(readers[name], a.Name+" input "+in.Name)
				if strings.HasPrefix(name, OutputPrefix) {
					errs = append(errs, fmt.Errorf("%s input %s reads %s, in the outputs' namespace %s*; rename the input", a.Name, in.Name, name, OutputPrefix))
				}
			}
		}
	}
	for _, a := range actions {
		for _, o := range a.Outputs {
			if r := readers[o.EnvName()]; len(r) > 0 {
				errs = append(errs, fmt.Errorf("%s output %s is written as %s, which %s reads", a.Name, o.Name, o.EnvName(), strings.Join(r, ", ")))
			}
			if !o.HandOver {
				continue
			}
			takers := 0
			for _, r := range readers[o.HandOverEnv()] {
				if strings.HasSuffix(r, " input "+o.Name) {
					takers++
				} else {
					errs = append(errs, fmt.Errorf("%s output %s hands over %s, which %s reads", a.Name, o.Name, o.HandOverEnv(), r))
				}
			}
			if takers == 0 {
				errs = append(errs, fmt.Errorf("%s output %s is a hand-over, but no action has an input %s", a.Name, o.Name, o.Name))
			}
		}
	}
	return errors.Join(errs...)
}
