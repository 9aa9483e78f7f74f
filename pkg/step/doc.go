// Package step is the harness every psflow action runs in. An [Action]
// declares its inputs and outputs once; [Run] resolves the inputs (flag,
// INPUT_<NAME>, PSFLOW_<NAME>, then the PLANETSCALE_* names), masks
// secrets, writes outputs and the summary, and turns the action's error
// into one line and an exit code.
package step
