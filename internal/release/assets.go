package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// writeAssets copies each checked binary to out under its asset name, with a checksums.txt in
// sha256sum's format, which must match GoReleaser's distDir/checksums.txt if there is one.
func writeAssets(distDir, out string, built, sums map[string]string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var lines []string
	for name, path := range built {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o755); err != nil {
			return err
		}
		lines = append(lines, sums[name]+"  "+name+"\n")
	}
	slices.Sort(lines)
	checksums := strings.Join(lines, "")
	if theirs, err := os.ReadFile(filepath.Join(distDir, "checksums.txt")); err == nil && !sameLines(string(theirs), checksums) {
		return fmt.Errorf("%s does not list the checked binaries' sha256:\n%s", filepath.Join(distDir, "checksums.txt"), theirs)
	} else if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(filepath.Join(out, "checksums.txt"), []byte(checksums), 0o644)
}

// sameLines reports whether a and b hold the same lines in any order,
// however their words are spaced.
func sameLines(a, b string) bool {
	return slices.Equal(normalize(a), normalize(b))
}

func normalize(s string) []string {
	var lines []string
	for line := range strings.Lines(s) {
		if f := strings.Fields(line); len(f) > 0 {
			lines = append(lines, strings.Join(f, " "))
		}
	}
	slices.Sort(lines)
	return lines
}
