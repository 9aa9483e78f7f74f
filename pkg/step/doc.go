// Package step is the harness every psflow action runs in.
//
// An action declares its inputs and outputs once (see Action). The harness
// resolves each input from a flag, INPUT_<NAME> (GitHub), PSFLOW_<NAME> or,
// for credentials and scope, the pscale CLI's PLANETSCALE_* names, in that
// order, then the declared default. It validates every value before the
// action starts, masks secrets before anything can print them, writes
// outputs to GITHUB_OUTPUT or to an env file, appends the step summary and
// turns the action's error into one line and a documented exit code. It
// reads the run's context (the CI, its pull request or branch) once, and
// logs it, for the actions to ask through Step.Context.
package step
