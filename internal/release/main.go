// Command release prepares and checks psflow's releases (see "Releasing" in CONTRIBUTING.md
// and docs/design/release.md):
//
//	go run ./internal/release prepare v1.2.3                        # build, record, commit, tag
//	go run ./internal/release check [-tag v1.2.3]                   # check the record's tree
//	go run ./internal/release verify [-rebuild] [-out assets] dist  # check GoReleaser's build
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/psflow/psflow/internal/dist"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

// errUsage is returned for a command line that names no known command.
var errUsage = errors.New("usage: release prepare VERSION | check [-tag VERSION] | verify [-rebuild] [-out DIR] DIST")

func realMain(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	root := fs.String("root", ".", "repository root")
	switch args[0] {
	case "prepare":
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errUsage
		}
		return prepare(ctx, *root, fs.Arg(0), dist.Build, stdout)
	case "check":
		tag := fs.String("tag", "", "the tag being released: the record must exist and name it")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return check(ctx, *root, *tag, stdout)
	case "verify":
		rebuild := fs.Bool("rebuild", false, "build each binary again instead of reading the record")
		out := fs.String("out", "", "copy the checked binaries here under their release names, with checksums.txt")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errUsage
		}
		return verify(ctx, *root, fs.Arg(0), *rebuild, *out, stdout)
	}
	return errUsage
}
