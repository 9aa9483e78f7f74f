package step

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzInputs feeds arbitrary text to every kind of input: it never panics, a value is either
// accepted as its kind or refused with exit code 2, and the refusal is one line.
func FuzzInputs(f *testing.F) {
	for _, s := range []string{"true", "yes please", "10", "10m", "-1s", "a,b\nc", "lint", "", "::set-output name=x::y", "1h30m", "9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, in := range testAction(nil).Inputs {
			v, err := in.parse(raw)
			if err != nil {
				if ExitCode(err) != ExitUsage || strings.Contains(err.Error(), "\n") && !strings.Contains(raw, "\n") {
					t.Fatalf("%s: %q: bad refusal %v", in.Name, raw, err)
				}
				continue
			}
			switch in.Kind {
			case Bool:
				_ = v.(bool)
			case Int:
				_ = v.(int)
			case Duration:
				if v.(time.Duration) < 0 {
					t.Fatalf("negative duration accepted: %q", raw)
				}
			case List:
				for _, item := range v.([]string) {
					if item == "" || strings.ContainsAny(item, ",\n") {
						t.Fatalf("list item %q from %q", item, raw)
					}
				}
			}
		}
	})
}

// FuzzOutputFile writes arbitrary values to an output file and sources it
// with bash: every value comes back exactly and no other variable appears.
func FuzzOutputFile(f *testing.F) {
	if _, err := exec.LookPath("bash"); err != nil {
		f.Skip("bash is needed to source the output file")
	}
	for _, s := range []string{"plain", "two\nlines", "it's", "$(touch /tmp/pwned)", "`id`", "a\nPSFLOW_ORG=evil", "'; echo x; '", "\\", " spaced "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if strings.ContainsRune(value, 0) {
			return // bash variables cannot hold NUL
		}
		path := filepath.Join(t.TempDir(), "out.env")
		a := testAction(func(ctx context.Context, s *Step) error {
			s.Output("notes", value)
			return nil
		})
		var out, errb bytes.Buffer
		if err := Run(context.Background(), a, MapEnv(map[string]string{"INPUT_ORG": "acme"}, []string{"--output-file", path}, &out, &errb)); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-c", `set -e; source "$1"; printf '%s' "$PSFLOW_OUT_NOTES"; compgen -v PSFLOW_ | grep -vx PSFLOW_OUT_NOTES && exit 7 || true`, "bash", path)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		got, err := cmd.Output()
		if err != nil {
			t.Fatalf("source failed for %q: %v", value, err)
		}
		if string(got) != value {
			t.Fatalf("value %q came back as %q", value, got)
		}
	})
}

// FuzzBoolFlags parses arbitrary command lines: it never panics, a refusal is a bad-input
// error, and a boolean flag holds a word a boolean takes unless "=" gave it another.
func FuzzBoolFlags(f *testing.F) {
	for _, s := range []string{"--dry-run true", "--dry-run --branch x", "--branch --dry-run", "--dry-run -- true", "-dry-run=no stray", "--wait maybe", "--branch=true --wait 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		values, _, err := parseFlags(boolAction(map[string]any{}), args)
		if err != nil {
			if ExitCode(err) != ExitUsage && !errors.Is(err, errHelp) {
				t.Fatalf("%q: %v", args, err)
			}
			return
		}
		for _, name := range []string{"dry_run", "wait"} {
			if v := values[name]; v.set && v.raw != "true" && !isBoolWord(v.raw) && !strings.Contains(line, "="+v.raw) {
				t.Fatalf("%q: %s took %q", args, name, v.raw)
			}
		}
	})
}
