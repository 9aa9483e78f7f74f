package planetscale

import (
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

func TestBranchName(t *testing.T) {
	t.Parallel()
	long := "feature/" + strings.Repeat("very-long-name-", 10)
	cases := map[string]string{
		"feature/Add_Users!":        "feature-add-users",
		"refs/heads/main":           "main",
		"dependabot/npm/@x/y-1.2.3": "dependabot-npm-x-y-1-2-3",
		"--Weird--":                 "weird",
		"UPPER":                     "upper",
		"ünïcode/名前":                "n-code",
		"!!!":                       "branch",
		"":                          "branch",
		"pr-12":                     "pr-12",
		"a//b__c":                   "a-b-c",
	}
	for in, want := range cases {
		assert.Equal(t, BranchName(in), want, "BranchName(%q)", in)
		assert.NilError(t, ValidateBranchName(BranchName(in)))
	}
	got := BranchName(long)
	assert.Equal(t, len(got), MaxBranchName)
	assert.NilError(t, ValidateBranchName(got))
	assert.Equal(t, got, BranchName(long), "not deterministic")
	assert.Assert(t, got != BranchName(long+"x"), "long refs collide")
	assert.Equal(t, PRBranch(42), "pr-42")
}

func TestValidateBranchName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"main", "pr-1", "a", "x-y-z-9"} {
		assert.NilError(t, ValidateBranchName(ok))
	}
	for _, bad := range []string{"", "Main", "-a", "a-", "a_b", "a b", "a/b", strings.Repeat("a", 64), "pr-1\n::set-output"} {
		assert.Assert(t, ValidateBranchName(bad) != nil, "%q accepted", bad)
	}
}

func FuzzBranchName(f *testing.F) {
	for _, s := range []string{"feature/Add_Users!", "refs/heads/x", "", "ü", strings.Repeat("ab/", 40), "rhf---f-------eexa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		name := BranchName(ref)
		if err := ValidateBranchName(name); err != nil {
			t.Fatalf("BranchName(%q) = %q: %v", ref, name, err)
		}
		if BranchName(ref) != name {
			t.Fatalf("BranchName(%q) is not deterministic", ref)
		}
		if ValidateBranchName(ref) == nil && BranchName(ref) != ref {
			t.Fatalf("valid name %q changed to %q", ref, name)
		}
	})
}
