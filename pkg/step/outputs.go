package step

import (
	"errors"
	"fmt"
	"strings"
)

// ghDelimiter is the fixed heredoc delimiter go-githubactions writes around
// output values; a value containing it could forge a second output.
const ghDelimiter = "_GitHubActionsFileCommandDelimeter_"

func newOutputs(s *Step, file string) *outputs { return &outputs{s: s, file: file} }

// Output sets an output; a secret one is masked and never printed. It is PSFLOW_OUT_<NAME> in
// an output file (PSFLOW_<NAME> too for a hand-over), and a stdout line outside GitHub.
func (s *Step) Output(name, value string) {
	o, err := s.action.output(name)
	if err != nil {
		s.out.fail(err)
		return
	}
	if o.Secret {
		s.Mask(value)
	}
	s.out.write(o, value)
}

func (w *outputs) write(o Output, value string) {
	s := w.s
	onGitHub := s.github && s.env.Getenv("GITHUB_OUTPUT") != ""
	if onGitHub {
		if strings.Contains(value, ghDelimiter) {
			w.fail(fmt.Errorf("output %s contains the workflow file-command delimiter; refusing to write it", o.Name))
			return
		}
		s.gha(s.env.Stdout, false).SetOutput(o.Name, value)
	}
	if w.file != "" {
		var lines strings.Builder
		for _, name := range o.EnvNames() {
			lines.WriteString(name + "=" + shellQuote(value) + "\n")
		}
		if err := appendFile(w.file, lines.String(), true); err != nil {
			w.fail(fmt.Errorf("write output %s: %w", o.Name, err))
		}
	}
	if !onGitHub {
		shown := shellQuote(value)
		if o.Secret {
			shown = redacted
		}
		fmt.Fprintf(redactWriter{r: s.red, w: s.env.Stdout}, "%s=%s\n", o.Name, shown)
	}
}

func (w *outputs) fail(err error) {
	w.err = errors.Join(w.err, err)
}

// shellQuote returns v unchanged when it is a plain word, else single-quoted, so that
// `source`-ing the file yields exactly v and a newline in v never starts a second variable.
func shellQuote(v string) string {
	if v != "" && strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/@+=%", r))
	}) < 0 {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
