package runctx

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// number parses a pull request number, which must be a whole number > 0.
func number(name, value string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: %q is not a pull request number", name, value)
	}
	return n, nil
}

// named is a value and the variable it comes from, for error messages.
type named struct{ name, value string }

// firstNumber parses the first non-empty value as a pull request number;
// it is 0 when every value is empty.
func firstNumber(vals ...named) (int, error) {
	for _, v := range vals {
		if v.value != "" {
			return number(v.name, v.value)
		}
	}
	return 0, nil
}

// branch turns a git ref into the branch it names: "refs/heads/x" is x, any other "refs/…"
// (a tag, a pull request's merge ref) names none, and a bare name is a branch already.
func branch(ref string) string {
	if name, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
		return name
	}
	if strings.HasPrefix(ref, "refs/") {
		return ""
	}
	return ref
}

// repoURL splits a repository's https or ssh clone URL ("git@github.com:acme/app.git") into
// its host and owner/name path, without credentials; an empty or unreadable URL gives "", "".
func repoURL(raw string) (host, repo string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", ""
	}
	if !strings.Contains(raw, "://") {
		// scp-like syntax: [user@]host:path
		at := strings.LastIndex(raw, "@")
		h, p, ok := strings.Cut(raw[at+1:], ":")
		if !ok {
			return "", ""
		}
		return h, cleanPath(p)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	return u.Hostname(), cleanPath(u.Path)
}

// pullRepo reads the repository out of a pull request's page URL ("…/acme/app/pull/42",
// Bitbucket's "…/pull-requests/42", GitLab's "…/-/merge_requests/42").
func pullRepo(raw string) (host, repo string) {
	host, p := repoURL(raw)
	for _, sep := range []string{"/-/merge_requests/", "/pull-requests/", "/pull/"} {
		if before, _, ok := strings.Cut(p+"/", sep); ok {
			return host, before
		}
	}
	return "", ""
}

// lastNumber is the number that ends a pull request's URL, or "".
func lastNumber(raw string) string {
	raw = strings.TrimRight(raw, "/")
	return raw[strings.LastIndex(raw, "/")+1:]
}

// cleanPath trims slashes and a ".git" suffix from a repository path.
func cleanPath(p string) string {
	return strings.TrimSuffix(strings.Trim(p, "/"), ".git")
}

// hostOf is the host of a URL, or def when there is none.
func hostOf(raw, def string) string {
	if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return def
}

// first returns the first non-empty value.
func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
