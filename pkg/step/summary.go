package step

import (
	"fmt"
	"os"
	"strings"
)

// Summary appends markdown to the step summary.
func (s *Step) Summary(markdown string) {
	s.summary.WriteString(markdown)
	if !strings.HasSuffix(markdown, "\n") {
		s.summary.WriteString("\n")
	}
}

// writeSummary appends the summary, redacted, to the summary file, for GitHub and other CI
// alike: the go-githubactions equivalent panics when GITHUB_STEP_SUMMARY is unset.
func (s *Step) writeSummary(path string) error {
	if path == "" || s.summary.Len() == 0 {
		return nil
	}
	return appendFile(path, s.red.redact(s.summary.String()), false)
}

// appendFile appends text to a file, restricting a file psflow owns (one
// it was asked to write secrets to) to its owner.
func appendFile(path, text string, private bool) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := f.Chmod(0o600); private && err != nil {
		f.Close()
		return fmt.Errorf("restrict %s to its owner: %w", path, err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
