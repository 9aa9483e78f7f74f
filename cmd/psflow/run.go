package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/pkg/step"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3".
var version = ""

// realMain dispatches to the named action.
func realMain(ctx context.Context, args []string) error {
	if len(args) == 0 {
		usage(os.Stderr)
		return step.Usagef("name an action")
	}
	switch args[0] {
	case "help", "-h", "--help":
		usage(os.Stdout)
		return nil
	case "version", "--version":
		fmt.Println("psflow", versionString())
		return nil
	}
	a, ok := actions.Find(args[0])
	if !ok {
		return step.Usagef("unknown action %q; the actions are %s", args[0], strings.Join(names(), ", "))
	}
	return step.Run(ctx, a, step.OSEnv(args[1:]))
}

func usage(w io.Writer) {
	fmt.Fprint(w, "psflow runs the steps of the PlanetScale pull-request flow.\n\nUsage: psflow <action> [flags]\n\nActions:\n")
	for _, a := range actions.All() {
		fmt.Fprintf(w, "  %-20s %s\n", a.Name, a.Description)
	}
	fmt.Fprint(w, "\nRun \"psflow <action> --help\" for its inputs and outputs.\n"+
		"Exit codes: 0 ok, 1 failed, 2 bad input or configuration, 3 timed out, 4 deploy failed or cancelled.\n")
}

func names() []string {
	var out []string
	for _, a := range actions.All() {
		out = append(out, a.Name)
	}
	return out
}

func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
