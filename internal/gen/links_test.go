package main

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// mdLink matches an inline link or image, [text](target), and captures the
// target without an optional "title".
var mdLink = regexp.MustCompile(`\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)`)

// codeSpan matches inline code, where brackets are not links.
var codeSpan = regexp.MustCompile("`+[^`]*`+")

// TestMarkdownLinks fails on a relative link of the README, CONTRIBUTING or docs/ to a missing
// file, or to an anchor no heading of its page makes.
func TestMarkdownLinks(t *testing.T) {
	const root = "../.."
	pages := []string{"README.md", "CONTRIBUTING.md"}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, _ := filepath.Rel(root, path)
			pages = append(pages, rel)
		}
		return err
	})
	assert.NilError(t, err)
	anchors := map[string]map[string]bool{}
	headingsOf := func(rel string) map[string]bool {
		if a, ok := anchors[rel]; ok {
			return a
		}
		data, err := os.ReadFile(filepath.Join(root, rel))
		assert.NilError(t, err)
		anchors[rel] = headingAnchors(string(data))
		return anchors[rel]
	}
	var checked int
	for _, page := range pages {
		data, err := os.ReadFile(filepath.Join(root, page))
		assert.NilError(t, err)
		for n, line := range proseLines(string(data)) {
			for _, m := range mdLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, ""), -1) {
				target := m[1]
				if u, err := url.Parse(target); err != nil || u.Scheme != "" {
					continue
				}
				checked++
				where := page + ":" + strconv.Itoa(n+1) + ": " + target
				file, anchor, _ := strings.Cut(target, "#")
				rel := page
				if file != "" {
					rel = filepath.Join(filepath.Dir(page), filepath.FromSlash(file))
					_, err := os.Stat(filepath.Join(root, rel))
					if !assert.Check(t, err, where) {
						continue
					}
				}
				if anchor != "" {
					assert.Check(t, strings.HasSuffix(rel, ".md"), "%s: an anchor into a file that is not markdown", where)
					assert.Check(t, headingsOf(rel)[anchor], "%s: no heading makes that anchor", where)
				}
			}
		}
	}
	assert.Assert(t, checked > 50, "relative links found: %d", checked)
}

// proseLines returns the page's lines with those inside fenced code
// blocks blanked, so that line numbers stay those of the file.
func proseLines(page string) []string {
	lines := strings.Split(page, "\n")
	var fence string
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:3]
			lines[i] = ""
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			lines[i] = ""
		}
	}
	return lines
}

// headingAnchors returns GitHub's anchors for a page's headings: lowercased, punctuation but -
// and _ dropped, spaces made hyphens, and -1, -2, … after a repeated one.
func headingAnchors(page string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range proseLines(page) {
		text, ok := strings.CutPrefix(line, "#")
		if !ok {
			continue
		}
		text = strings.TrimLeft(text, "#")
		if !strings.HasPrefix(text, " ") {
			continue
		}
		slug := headingSlug(text)
		if n := seen[slug]; n > 0 {
			anchors[slug+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	}
	return anchors
}

// mdLinkText keeps a link's text: [text](target) becomes text.
var mdLinkText = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

func headingSlug(heading string) string {
	heading = mdLinkText.ReplaceAllString(strings.TrimSpace(heading), "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestHeadingSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Use the emulator from your application's tests": "use-the-emulator-from-your-applications-tests",
		"By hand, from a shell":                          "by-hand-from-a-shell",
		"`seed_data` and the [API](x.md)":                "seed_data-and-the-api",
		"Migrations, recorded where PlanetScale copies":  "migrations-recorded-where-planetscale-copies",
	} {
		assert.Check(t, is.Equal(headingSlug(heading), want))
	}
	got := headingAnchors("# A\n\n```sh\n# not a heading\n```\n## A\n#hashtag\n")
	assert.Check(t, is.DeepEqual(got, map[string]bool{"a": true, "a-1": true}))
}
