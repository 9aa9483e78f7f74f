// Command layers prints how the files of a Go package use each other: each
// file on a floor above the files it uses, and the files that use each other
// in a loop. Run it from the module root:
//
//	go run ./internal/layers pkg/emulator
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: layers DIR...")
		os.Exit(2)
	}
	for _, dir := range os.Args[1:] {
		g, err := Load(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		write(os.Stdout, dir, g)
	}
}

// write prints the floors from the top down, then the loops.
func write(w io.Writer, dir string, g *Graph) {
	floors := g.Floors()
	files := append([]string(nil), g.Files...)
	sort.SliceStable(files, func(i, j int) bool { return floors[files[i]] > floors[files[j]] })
	fmt.Fprintf(w, "%s: %d files\n", dir, len(files))
	for _, f := range files {
		line := fmt.Sprintf("  floor %2d  %-24s", floors[f], f)
		if uses := sortedKeys(g.Uses[f]); len(uses) > 0 {
			line += " uses " + strings.Join(uses, " ")
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	loops := g.Loops()
	if len(loops) == 0 {
		fmt.Fprintln(w, "  no loops")
	}
	for _, loop := range loops {
		fmt.Fprintf(w, "  loop: %s\n", strings.Join(loop, " "))
		for _, from := range loop {
			for _, to := range loop {
				if names := g.Uses[from][to]; len(names) > 0 {
					fmt.Fprintf(w, "    %s -> %s: %s\n", from, to, strings.Join(names, ", "))
				}
			}
		}
	}
}
