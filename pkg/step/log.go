package step

import (
	"fmt"
	"io"
	"strings"

	"github.com/sethvargo/go-githubactions"
)

// gha returns go-githubactions writing workflow commands to w, with the
// step's title on annotations.
func (s *Step) gha(w io.Writer, title bool) *githubactions.Action {
	opts := []githubactions.Option{githubactions.WithWriter(w), githubactions.WithGetenv(s.env.Getenv)}
	if title {
		opts = append(opts, githubactions.WithFields(githubactions.CommandProperties{"title": s.action.command()}))
	}
	return githubactions.New(opts...)
}

// Mask registers a secret: on GitHub it is masked in the job log before
// anything prints it, and everywhere it is redacted from psflow's output.
func (s *Step) Mask(secret string) {
	if !s.red.add(secret) || !s.github {
		return
	}
	// The mask command carries the secret itself, so it bypasses redaction.
	gh := s.gha(s.env.Stdout, false)
	// The runner masks line by line, so a multi-line secret is masked per line.
	for _, l := range strings.Split(secret, "\n") {
		if l = strings.TrimSpace(l); len(l) >= 4 {
			gh.AddMask(l)
		}
	}
}

// Logf prints one progress line.
func (s *Step) Logf(format string, args ...any) {
	fmt.Fprintf(s.log, "%s\n", oneLine(fmt.Sprintf(format, args...)))
}

// Warnf prints a warning: an annotation on GitHub, a prefixed line elsewhere.
func (s *Step) Warnf(format string, args ...any) {
	if s.github {
		s.gha(s.log, true).Warningf(format, args...)
		return
	}
	s.Logf("warning: "+format, args...)
}

// Noticef prints a notice: an annotation on GitHub, a prefixed line elsewhere.
func (s *Step) Noticef(format string, args ...any) {
	if s.github {
		s.gha(s.log, true).Noticef(format, args...)
		return
	}
	s.Logf("notice: "+format, args...)
}

// fail prints the one line that says what failed.
func (s *Step) fail(err error) {
	msg := oneLine(err.Error())
	if s.github {
		s.gha(s.log, true).Errorf("%s", msg)
	}
	fmt.Fprintf(redactWriter{r: s.red, w: s.env.Stderr}, "%s: %s\n", s.action.command(), msg)
}

// oneLine folds a message onto one line so it cannot start a workflow command.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
