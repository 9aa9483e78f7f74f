package seedbranch

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// migration is one versioned migration file.
type migration struct {
	version string // the file name without .up.sql or .sql
	file    seedFile
}

// readMigrations turns files into migrations ordered by version, leaving
// out golang-migrate's down files. Two files of one version are an error.
func readMigrations(files []seedFile) ([]migration, error) {
	seen := map[string]string{}
	var out []migration
	for _, f := range files {
		base := path.Base(f.Path)
		lower := strings.ToLower(base)
		if strings.HasSuffix(lower, ".down.sql") {
			continue
		}
		version := base[:len(base)-len(".sql")]
		if strings.HasSuffix(lower, ".up.sql") {
			version = base[:len(base)-len(".up.sql")]
		}
		if prev, ok := seen[version]; ok {
			return nil, fmt.Errorf("%s and %s are both migration %s", prev, f.Path, version)
		}
		seen[version] = f.Path
		out = append(out, migration{version: version, file: f})
	}
	slices.SortFunc(out, func(a, b migration) int { return strings.Compare(a.version, b.version) })
	return out, nil
}
