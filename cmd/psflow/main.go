// Command psflow runs one step of the PlanetScale pull-request flow:
//
//	psflow <action> [flags]
//
// Run "psflow help" for the actions.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/psflow/psflow/pkg/step"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:])
	stop()
	if err != nil {
		if !step.Reported(err) {
			fmt.Fprintf(os.Stderr, "psflow: %v\n", err)
		}
		os.Exit(step.ExitCode(err))
	}
}
