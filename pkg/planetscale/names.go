package planetscale

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxBranchName is the longest branch name psflow produces or accepts.
const MaxBranchName = 63

var branchNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// ValidateBranchName checks a branch name against PlanetScale's rule: lowercase letters,
// digits and dashes, starting and ending with a letter or digit.
func ValidateBranchName(name string) error {
	if name == "" {
		return fmt.Errorf("branch name is empty")
	}
	if len(name) > MaxBranchName {
		return fmt.Errorf("branch name %q is longer than %d characters", name, MaxBranchName)
	}
	if !branchNameRE.MatchString(name) {
		return fmt.Errorf("branch name %q is invalid: use lowercase letters, digits and dashes, starting and ending with a letter or digit", name)
	}
	return nil
}

// PRBranch is the branch psflow uses for pull request n: "pr-<n>".
func PRBranch(n int) string { return "pr-" + strconv.Itoa(n) }

// BranchName turns a git ref such as "feature/Add_Users!" into a valid branch name
// ("feature-add-users"), the same each time; a valid name stays (docs/design/client.md).
func BranchName(ref string) string {
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/pull/")
	if ValidateBranchName(ref) == nil {
		return ref
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(ref) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if name == "" {
		name = "branch"
	}
	if len(name) > MaxBranchName {
		sum := sha256.Sum256([]byte(ref))
		name = strings.TrimRight(name[:MaxBranchName-9], "-") + "-" + hex.EncodeToString(sum[:4])
	}
	return name
}
