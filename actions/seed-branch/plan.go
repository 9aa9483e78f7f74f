package seedbranch

import (
	"fmt"
	"slices"
)

// The ways a run brings a branch to its base plus the current files,
// reported in the result output.
const (
	resultSkipped = "skipped" // every file was applied before, unchanged
	resultApplied = "applied" // the files not applied yet ran, alone
	resultReset   = "reset"   // the branch went back to its base, then every file ran
)

// plan is what a run does and why.
type plan struct {
	result string
	why    string
	files  []seedFile // to apply, in order
	first  bool       // no base is recorded yet: record it before loading
}

// decide compares the files with what the marker table says was applied
// and plans the run that leaves the branch holding exactly its base plus
// the files, applied in order:
//   - files applied before and unchanged are not run again; new files
//     sorting after the last applied one run alone;
//   - an applied file changed or removed, a new file sorting before an
//     applied one, or a run that failed or was interrupted: the branch goes
//     back to its base, then every file runs.
func decide(h history, files []seedFile) plan {
	if h.base == nil {
		return plan{result: resultApplied, why: "first run on this branch", files: files, first: true}
	}
	if why := divergence(h.applied, files); why != "" {
		return plan{result: resultReset, why: why, files: files}
	}
	rest := files[len(h.applied):]
	switch len(rest) {
	case 0:
		return plan{result: resultSkipped, why: fmt.Sprintf("all %d files were applied before and are unchanged", len(files))}
	case 1:
		return plan{result: resultApplied, why: rest[0].Path + " is new and sorts after every applied file", files: rest}
	}
	return plan{result: resultApplied, why: fmt.Sprintf("%d files are new and sort after every applied file", len(rest)), files: rest}
}

// divergence says why the applied files are not the start of files, or ""
// when they are.
func divergence(applied []appliedFile, files []seedFile) string {
	for i, a := range applied {
		if a.Status != statusOK {
			return fmt.Sprintf("the run applying %s did not finish (%s)", a.File, a.Status)
		}
		if i < len(files) && files[i].Path == a.File {
			if files[i].Sum != a.Sum {
				return a.File + " changed since it was applied"
			}
			continue
		}
		if !slices.ContainsFunc(files, func(f seedFile) bool { return f.Path == a.File }) {
			return a.File + " was applied and is gone"
		}
		return files[i].Path + " is new and sorts before " + a.File + ", which was applied"
	}
	return ""
}
