package examples

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/testbin"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// buildspecs are the CodeBuild examples.
var buildspecs = []string{"buildspec-pr.yml", "buildspec-qa.yml", "buildspec-prod.yml"}

// buildSecrets are the values of the buildspecs' Secrets Manager references
// beyond the service token.
var buildSecrets = map[string]string{
	"PSFLOW_GITHUB_TOKEN": "ghs_psflowtestnotreal",
	"PS_CONN_STR":         "bookings:pscale_pw_prodnotreal@tcp(aws.connect.psdb.cloud)/bookings_api?tls=true",
}

// codeBuildHost is a CodeBuild host for a buildspec: psflow's release at a mirror
// (PSFLOW_RELEASE_URL), and docker and aws stand-ins logging their arguments.
type codeBuildHost struct {
	vars map[string]string // the project's variables: PATH without psflow, the mirror
	log  string            // one line per docker or aws call
}

// newCodeBuildHost serves release as psflow_linux_amd64 of b's PSFLOW_VERSION and pins b's
// PSFLOW_SHA256 to psflow's own sha256, which the release holds.
func newCodeBuildHost(t *testing.T, b *buildspec, release []byte) *codeBuildHost {
	t.Helper()
	assert.Assert(t, b.Env.Variables["PSFLOW_SHA256"] != "", "no PSFLOW_SHA256 pinned")
	url, sum := releaseMirror(t, b.Env.Variables["PSFLOW_VERSION"], release)
	b.Env.Variables["PSFLOW_SHA256"] = sum

	tools := t.TempDir()
	h := &codeBuildHost{log: filepath.Join(t.TempDir(), "calls.log")}
	stub := "#!/bin/sh\nprintf '%s\\n' \"$(basename \"$0\") $*\" >> '" + h.log + "'\n" +
		"[ \"$1 $2\" = 'ecr get-login-password' ] && echo ecr-password-not-real\n" +
		"[ \"$1\" = login ] && cat > /dev/null\nexit 0\n"
	for _, name := range []string{"docker", "aws"} {
		assert.NilError(t, os.WriteFile(filepath.Join(tools, name), []byte(stub), 0o755))
	}
	h.vars = map[string]string{"PATH": tools + ":/usr/bin:/bin", "PSFLOW_RELEASE_URL": url}
	return h
}

// releaseMirror serves release as psflow_linux_amd64 of version for PSFLOW_RELEASE_URL and
// returns its URL and psflow's sha256, which the release holds and an example pins.
func releaseMirror(t *testing.T, version string, release []byte) (url, sha string) {
	t.Helper()
	assert.Assert(t, strings.HasPrefix(version, "v"), "no PSFLOW_VERSION pinned")
	self, err := os.ReadFile(testbin.Psflow(t))
	assert.NilError(t, err)
	sum := sha256.Sum256(self)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+version+"/psflow_linux_amd64" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(release)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, hex.EncodeToString(sum[:])
}

// calls returns the docker and aws calls of the builds so far.
func (h *codeBuildHost) calls(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(h.log)
	if os.IsNotExist(err) {
		return ""
	}
	assert.NilError(t, err)
	return string(data)
}

// TestCodeBuildInstallsTheCheckedRelease: each buildspec's install phase installs the release
// binary when its sha256 is the one pinned, and refuses another.
func TestCodeBuildInstallsTheCheckedRelease(t *testing.T) {
	t.Parallel()
	self, err := os.ReadFile(testbin.Psflow(t))
	assert.NilError(t, err)
	em := startEmulator(t)
	for _, name := range buildspecs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := readBuildspec(t, name)
			assert.Check(t, !strings.Contains(strings.Join(b.Phases["install"].Commands, "\n"), "go install"), "psflow is built on every build")

			h := newCodeBuildHost(t, &b, self)
			_, out, err := runPhases(t, em, b, []string{"install"}, t.TempDir(), h.vars, buildSecrets)
			assert.NilError(t, err)
			assert.Check(t, is.Contains(out, "/psflow.download: OK"))

			tampered := append([]byte(nil), self...)
			tampered[len(tampered)-1] ^= 1
			h = newCodeBuildHost(t, &b, tampered)
			_, out, err = runPhases(t, em, b, []string{"install"}, t.TempDir(), h.vars, buildSecrets)
			assert.Check(t, err != nil, "a binary with another sha256 was installed")
			assert.Check(t, is.Contains(out, "/psflow.download: FAILED"))
			assert.Check(t, !strings.Contains(out, "EXPORTED"), "the build went on after a failed check")
		})
	}
}
