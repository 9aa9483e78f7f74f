package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// secretOutputs are the outputs that hold a secret.
var secretOutputs = []string{"password", "database_url", "dsn"}

// TestSecretsStayHidden runs every scenario in both modes, with a GitHub token and a pull
// request, and checks that no token or password shows where it does not belong.
func TestSecretsStayHidden(t *testing.T) {
	t.Parallel()
	type scase struct {
		sc   scenario
		mode string
	}
	var cases []scase
	for _, sc := range scenarios() {
		for _, m := range modes {
			cases = append(cases, scase{sc, m})
		}
	}
	parallel(t, cases, func(c scase) string { return c.sc.name + "/" + c.mode }, func(t *testing.T, c scase) {
		em, args := c.sc.start(t)
		rec := newRecorder(t, em, nil)
		gh := pullRequest(t)
		vars := withGitHub(t, env(em, rec.URL), gh)
		r := runInMode(t, c.mode, vars, c.sc.action, args...)
		assert.Equal(t, r.ExitCode, 0)
		checkSecrets(t, r, append(rec.passwords(), em.Token(), gh.Token))
		for _, cm := range gh.Comments("acme", "app", 1) {
			checkText(t, "the pull request comment", cm.Body, append(rec.passwords(), em.Token(), gh.Token))
		}
	})
}

// TestErrorsAreRedacted provokes errors carrying credentials: an API error quoting a DSN, MySQL
// refusing seed-branch's password, and an API URL with a password psflow cannot parse.
func TestErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	const leaked = "Sup3rS3cretPw"
	type ecase struct {
		name, mode string
		code       int
		msg        string
		run        func(t *testing.T, mode string) (modeRun, []string)
	}
	var cases []ecase
	for _, m := range modes {
		cases = append(cases,
			ecase{name: "api-error-with-dsn", mode: m, code: 1, msg: "mysql://admin:***@db.internal:3306/app",
				run: func(t *testing.T, mode string) (modeRun, []string) {
					em := emulatortest.Start(t)
					body := `{"code":"unprocessable","message":"cannot reach mysql://admin:` + leaked + `@db.internal:3306/app (admin:` + leaked + `@tcp(db.internal:3306)/app)"}`
					_, err := em.AddFault(emulator.Fault{Method: http.MethodPost, Path: "/v1/organizations/*/databases/*/branches", Status: 422, Body: body})
					assert.NilError(t, err)
					r := runInMode(t, mode, env(em, em.URL()), "create-branch", "--branch", "pr-1")
					return r, []string{leaked, em.Token()}
				}},
			ecase{name: "mysql-refuses-seed-password", mode: m, code: 1, msg: "connect to branch pr-1 of acme/app at 127.0.0.1:",
				run: func(t *testing.T, mode string) (modeRun, []string) { return seedRefused(t, mode) }},
			ecase{name: "api-url-with-password", mode: m, code: 2, msg: "psflow:***@127.0.0.1",
				run: func(t *testing.T, mode string) (modeRun, []string) {
					em := emulatortest.Start(t)
					const password = "Hunter2Secret"
					r := runInMode(t, mode, env(em, "http://psflow:"+password+"@127.0.0.1:1/%zz"), "delete-branch", "--branch", "pr-1")
					return r, []string{password, em.Token()}
				}},
		)
		// The same against a real server, whose refusal says more.
		if dsn := os.Getenv(emulatortest.MySQLDSNEnv); dsn != "" {
			cases = append(cases, ecase{name: "mariadb-refuses-seed-password", mode: m, code: 1, msg: "Access denied for user",
				run: func(t *testing.T, mode string) (modeRun, []string) {
					return seedRefused(t, mode, emulatortest.WithMySQL(dsn))
				}})
		} else if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: the tests must run against MySQL/MariaDB too", emulatortest.MySQLDSNEnv)
		}
	}
	parallel(t, cases, func(c ecase) string { return c.name + "/" + c.mode }, func(t *testing.T, c ecase) {
		r, secrets := c.run(t, c.mode)
		assert.Check(t, is.Equal(r.ExitCode, c.code))
		assert.Check(t, is.Contains(r.Stderr(), c.msg))
		checkSecrets(t, r, secrets)
	})
}

// seedRefused runs seed-branch with its password's MySQL user dropped as
// soon as the API made it, so the connection is refused.
func seedRefused(t *testing.T, mode string, opts ...emulatortest.Option) (modeRun, []string) {
	sc := scenarios()[slices.IndexFunc(scenarios(), func(s scenario) bool { return s.name == "seed-branch" })]
	em, args := sc.start(t, opts...)
	rec := newRecorder(t, em, func(user string) {
		assert.NilError(t, em.Storage().DropUser(context.Background(), user))
	})
	r := runInMode(t, mode, env(em, rec.URL), sc.action, args...)
	assert.Check(t, is.Len(branchState(em, "pr-1").Passwords, 0), "seed-branch left its password")
	return r, append(rec.passwords(), em.Token())
}

// checkSecrets fails on a secret in stderr, the summary, stdout (but ::add-mask:: lines) or a
// non-secret output, or on a secret output GitHub mode did not mask line by line first.
func checkSecrets(t *testing.T, r modeRun, secrets []string) {
	t.Helper()
	for _, o := range secretOutputs {
		if v := r.outputs[o]; v != "" {
			secrets = append(secrets, v)
		}
	}
	stdout := r.Stdout()
	var masked []string
	if r.github {
		var kept []string
		for _, l := range strings.Split(stdout, "\n") {
			if m, ok := strings.CutPrefix(l, "::add-mask::"); ok {
				masked = append(masked, m)
				continue
			}
			kept = append(kept, l)
		}
		stdout = strings.Join(kept, "\n")
	}
	checkText(t, "stdout", stdout, secrets)
	checkText(t, "stderr", r.Stderr(), secrets)
	checkText(t, "the summary", r.summary, secrets)
	for name, v := range r.outputs {
		if slices.Contains(secretOutputs, name) {
			if r.github {
				for _, l := range strings.Split(v, "\n") {
					assert.Check(t, len(strings.TrimSpace(l)) < 4 || slices.Contains(masked, strings.TrimSpace(l)), "output %s was not masked", name)
				}
			}
			continue
		}
		checkText(t, "output "+name, v, secrets)
	}
}

// credentialRE finds a password in a URL or DSN: user:password@host.
var credentialRE = regexp.MustCompile(`[A-Za-z0-9_.+-]+:([^\s:@/'"]+)@(tcp\(|[A-Za-z0-9.\[\]-]+)`)

// checkText fails when text holds a secret or an unredacted credential.
func checkText(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 4 {
			assert.Check(t, !strings.Contains(text, s), "%s shows secret %.4s…", where, s)
		}
	}
	for _, m := range credentialRE.FindAllStringSubmatch(text, -1) {
		assert.Check(t, m[1] == "***", "%s shows credentials: %q", where, m[0])
	}
}

// pullRequest is a fake GitHub with open pull request 1 of acme/app.
func pullRequest(t *testing.T) *ghfake.Server {
	gh := ghfake.New(t)
	gh.AddPull("acme", "app", 1, "open", false)
	return gh
}

// withGitHub adds a pull request event, the repository and a token for gh.
func withGitHub(t *testing.T, vars map[string]string, gh *ghfake.Server) map[string]string {
	vars["GITHUB_EVENT_PATH"] = actiontest.PullRequestEvent(t, "opened", 1, false)
	vars["GITHUB_REPOSITORY"] = "acme/app"
	vars["GITHUB_API_URL"] = gh.URL()
	vars["PSFLOW_GITHUB_TOKEN"] = gh.Token
	return vars
}

// recorder is a proxy in front of an emulator that keeps every password
// the API hands out, and can act on each new one before psflow gets it.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newRecorder(t *testing.T, em *emulator.Emulator, onPassword func(user string)) *recorder {
	t.Helper()
	proxy := reverseProxy(t, em.URL())
	rec := &recorder{}
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method != http.MethodPost || !strings.HasSuffix(resp.Request.URL.Path, "/passwords") || resp.StatusCode >= 300 {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		var pw struct {
			PlainText string `json:"plain_text"`
			Username  string `json:"username"`
		}
		if err := json.Unmarshal(body, &pw); err != nil {
			return err
		}
		rec.mu.Lock()
		rec.seen = append(rec.seen, pw.PlainText)
		rec.mu.Unlock()
		if onPassword != nil {
			onPassword(pw.Username)
		}
		return nil
	}
	rec.Server = httptest.NewServer(proxy)
	t.Cleanup(rec.Close)
	return rec
}

// passwords are the passwords handed out so far.
func (rec *recorder) passwords() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.seen...)
}
