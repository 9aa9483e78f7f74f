// Command psflow-emulator runs a local PlanetScale API backed by real MySQL; docs/emulator.md
// and "psflow-emulator serve --help" list its flags.
//
// Every flag can also come from PSFLOW_EMULATOR_<FLAG> (e.g. PSFLOW_EMULATOR_TOKEN_ID;
// PSFLOW_EMULATOR_DATABASE takes a comma-separated list).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "psflow-emulator: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

const usage = `usage: psflow-emulator <command> [flags]

commands:
  serve   run the PlanetScale API emulator until interrupted
  demo    run a pull request's whole life against an embedded emulator with psflow
  help    show this help

run "psflow-emulator serve --help" for the flags.
`

// realMain dispatches to a command; it returns when the command is done or
// ctx is cancelled.
func realMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("name a command")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "demo":
		return demo(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command %q", args[0])
}
