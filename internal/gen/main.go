// Command gen writes each action's action.yml, the input and output tables
// of its reference page (docs/actions/<name>.md) and the workflow that
// checks every action, from the actions' declarations. With -check it
// writes nothing and fails when a file is stale.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	root := flag.String("root", ".", "module root")
	check := flag.Bool("check", false, "report stale files instead of writing them")
	flag.Parse()
	stale, err := generate(*root, !*check)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	switch {
	case *check && len(stale) > 0:
		fmt.Fprintf(os.Stderr, "gen: stale generated files (run go generate ./actions): %s\n", strings.Join(stale, ", "))
		os.Exit(1)
	case *check:
		fmt.Println("gen: every generated file is up to date")
	case len(stale) > 0:
		fmt.Printf("gen: wrote %s\n", strings.Join(stale, ", "))
	}
}
