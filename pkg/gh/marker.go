package gh

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxBodyBytes bounds a comment body: GitHub allows 65536 characters, and counting bytes
// keeps every body under that limit however the characters are counted.
const maxBodyBytes = 65536

// truncatedNote ends a body that had to be shortened.
const truncatedNote = "\n\n_… truncated: the full text is longer than a GitHub comment allows._"

// DeployRequestKey is the sticky comment key of the deploy request for
// branch of database.
func DeployRequestKey(database, branch string) string {
	return "deploy-request:" + database + ":" + branch
}

// marker returns the hidden first line of key's comment, the key percent-encoded outside a
// small safe set: one-to-one, and no key can close the HTML comment early.
func marker(key string) string {
	return "<!-- psflow:" + escapeKey(key) + " -->"
}

func escapeKey(key string) string {
	var sb strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if isSafe(c) {
			sb.WriteByte(c)
			continue
		}
		fmt.Fprintf(&sb, "%%%02X", c)
	}
	return sb.String()
}

func isSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-_.:/@+=,#", c) >= 0
}

// digestPrefix starts the second line, which holds the content's digest.
const digestPrefix = "<!-- psflow-digest:sha256:"

// digest returns the hex SHA-256 of content with line endings normalised and trailing white
// space dropped, so that a body GitHub stored with CRLF still matches.
func digest(content string) string {
	sum := sha256.Sum256([]byte(normalize(content)))
	return hex.EncodeToString(sum[:])
}

func normalize(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \t\r\n")
}

// render returns the comment body for key and markdown: marker line, digest
// line, then the content, shortened to fit GitHub's limit when needed.
func render(key, markdown string) string {
	head := marker(key) + "\n"
	content := fit(normalize(markdown), maxBodyBytes-len(head)-len(digestPrefix)-64-len(" -->\n"))
	return head + digestPrefix + digest(content) + " -->\n" + content
}

// fit shortens content to at most limit bytes: it cuts at a line end,
// closes a code fence left open and appends a note.
func fit(content string, limit int) string {
	if len(content) <= limit {
		return content
	}
	cut := limit - len(truncatedNote) - len("\n```")
	for cut > 0 && !utf8.RuneStart(content[cut]) {
		cut--
	}
	kept := content[:cut]
	if i := strings.LastIndexByte(kept, '\n'); i > 0 {
		kept = kept[:i]
	}
	if openFence(kept) {
		kept += "\n```"
	}
	return kept + truncatedNote
}

// openFence reports whether s ends inside a ``` code block.
func openFence(s string) bool {
	open := false
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			open = !open
		}
	}
	return open
}

// parsed is an existing comment body split into its parts.
type parsed struct {
	digest  string // stored digest, "" when the line is missing
	content string
}

// parse splits body when its first line is exactly key's marker.
func parse(key, body string) (parsed, bool) {
	first, rest, _ := strings.Cut(body, "\n")
	if strings.TrimSuffix(first, "\r") != marker(key) {
		return parsed{}, false
	}
	second, content, _ := strings.Cut(rest, "\n")
	second = strings.TrimSuffix(second, "\r")
	if d, ok := strings.CutPrefix(second, digestPrefix); ok {
		if d, ok = strings.CutSuffix(d, " -->"); ok {
			return parsed{digest: d, content: content}, true
		}
	}
	return parsed{content: rest}, true
}

// current reports whether an existing comment already shows content: its stored digest is
// content's and its text still hashes to it, so that a comment edited by hand is restored.
func (p parsed) current(wantDigest string) bool {
	return p.digest == wantDigest && digest(p.content) == wantDigest
}
