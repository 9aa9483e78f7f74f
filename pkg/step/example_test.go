package step_test

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/psflow/psflow/pkg/step"
)

// An action declares its inputs and outputs once; Run resolves the inputs (here from
// INPUT_NAME), runs it and, outside GitHub Actions, prints its non-secret outputs.
func ExampleRun() {
	greet := &step.Action{
		Name:        "greet",
		Description: "Greet someone.",
		Inputs:      []step.Input{{Name: "name", Description: "Who to greet.", Required: true}},
		Outputs:     []step.Output{{Name: "greeting", Description: "The greeting."}},
		Run: func(ctx context.Context, s *step.Step) error {
			s.Output("greeting", "hello, "+s.String("name"))
			return nil
		},
	}
	env := step.MapEnv(map[string]string{"INPUT_NAME": "octocat"}, nil, os.Stdout, io.Discard)
	err := step.Run(context.Background(), greet, env)
	fmt.Println("exit code", step.ExitCode(err))
	// Output:
	// greeting='hello, octocat'
	// exit code 0
}

// A missing required input stops the step before it runs, with exit
// code 2 (bad input or configuration).
func ExampleExitCode() {
	env := step.MapEnv(map[string]string{}, nil, io.Discard, io.Discard)
	err := step.Run(context.Background(), &step.Action{
		Name:   "greet",
		Inputs: []step.Input{{Name: "name", Description: "Who to greet.", Required: true}},
		Run:    func(context.Context, *step.Step) error { return nil },
	}, env)
	fmt.Println(step.ExitCode(err), err)
	// Output:
	// 2 input name is required; set --name, INPUT_NAME, PSFLOW_NAME
}
