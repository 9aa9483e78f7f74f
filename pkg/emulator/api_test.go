package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestOrganizationAndDatabase(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithOrg("acme"), emulatortest.WithDatabases("app", "billing"))...)
		c := client(t, e)

		org, err := c.Organizations.Get(ctx(t), &ps.GetOrganizationRequest{Organization: "acme"})
		assert.NilError(t, err)
		assert.Equal(t, org.Name, "acme")
		assert.Assert(t, !org.CreatedAt.IsZero())

		db, err := c.Databases.Get(ctx(t), &ps.GetDatabaseRequest{Organization: "acme", Database: "billing"})
		assert.NilError(t, err)
		assert.Equal(t, db.Name, "billing")
		assert.Equal(t, db.Kind, ps.DatabaseEngineMySQL)
		assert.Equal(t, db.State, ps.DatabaseReady)
		assert.Equal(t, db.HtmlURL, "https://app.planetscale.com/acme/billing")

		status, body := call(t, e, http.MethodGet, dbPath(e, "app"), nil)
		assert.Equal(t, status, http.StatusOK)
		var raw map[string]any
		assert.NilError(t, json.Unmarshal(body, &raw))
		assert.Equal(t, raw["default_branch"], "main")

		dbs, err := c.Databases.List(ctx(t), &ps.ListDatabasesRequest{Organization: "acme"})
		assert.NilError(t, err)
		assert.Equal(t, len(dbs), 2)
		assert.Equal(t, dbs[0].Name, "app")

		main, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: "acme", Database: "app", Branch: "main"})
		assert.NilError(t, err)
		assert.Assert(t, main.Production && main.Ready && main.SafeMigrations)
		assert.Equal(t, main.ParentBranch, "")
		assert.Equal(t, main.HtmlURL, "https://app.planetscale.com/acme/app/main")
		assert.Equal(t, main.Region.Slug, "us-east")
		name, ok := e.BranchDatabase("app", "main")
		assert.Assert(t, ok)
		assert.Assert(t, is.Regexp(`^pse[a-z0-9]{6}_[0-9]+$`, name))
	})
}

func TestAuth(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithToken("my-id", "my-secret"))...)
		path := "/v1/organizations/" + e.Org()
		for _, tc := range []struct {
			name, auth string
			want       int
		}{
			{"missing", "", http.StatusUnauthorized},
			{"wrong secret", "my-id:nope", http.StatusUnauthorized},
			{"wrong id", "other:my-secret", http.StatusUnauthorized},
			{"bearer", "Bearer my-secret", http.StatusUnauthorized},
			{"right", "my-id:my-secret", http.StatusOK},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := callWith(t, e, http.MethodGet, path, nil, tc.auth)
				assert.Equal(t, status, tc.want, string(body))
				status, body = callWith(t, e, http.MethodGet, "/__emulator/state", nil, tc.auth)
				assert.Equal(t, status, tc.want, string(body))
				if tc.want == http.StatusUnauthorized {
					assert.Equal(t, apiErr(t, body).Code, "unauthorized")
				}
			})
		}

		bad, err := ps.NewClient(ps.WithBaseURL(e.URL()), ps.WithServiceToken("my-id", "wrong"))
		assert.NilError(t, err)
		_, err = bad.Organizations.Get(ctx(t), &ps.GetOrganizationRequest{Organization: e.Org()})
		assert.Equal(t, sdkCode(err), ps.ErrPermission)
	})
}

func TestNotFound(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		org := e.Org()
		for name, call := range map[string]func() error{
			"organization": func() error {
				_, err := c.Organizations.Get(ctx(t), &ps.GetOrganizationRequest{Organization: "nope"})
				return err
			},
			"database": func() error {
				_, err := c.Databases.Get(ctx(t), &ps.GetDatabaseRequest{Organization: org, Database: "nope"})
				return err
			},
			"database of other org": func() error {
				_, err := c.Databases.Get(ctx(t), &ps.GetDatabaseRequest{Organization: "nope", Database: "app"})
				return err
			},
			"branch": func() error {
				_, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: org, Database: "app", Branch: "nope"})
				return err
			},
			"password": func() error {
				_, err := c.Passwords.Get(ctx(t), &ps.GetDatabaseBranchPasswordRequest{Organization: org, Database: "app", Branch: "main", PasswordId: "nope"})
				return err
			},
			"backup": func() error {
				_, err := c.Backups.Get(ctx(t), &ps.GetBackupRequest{Organization: org, Database: "app", Branch: "main", Backup: "nope"})
				return err
			},
			"deploy request": func() error {
				_, err := c.DeployRequests.Get(ctx(t), &ps.GetDeployRequestRequest{Organization: org, Database: "app", Number: 7})
				return err
			},
		} {
			t.Run(name, func(t *testing.T) {
				assert.Equal(t, sdkCode(call()), ps.ErrNotFound)
			})
		}

		status, body := call(t, e, http.MethodGet, "/v1/nothing/here", nil)
		assert.Equal(t, status, http.StatusNotFound)
		assert.Equal(t, apiErr(t, body).Code, "not_found")
		status, _ = call(t, e, http.MethodPut, dbPath(e, "app"), nil)
		assert.Equal(t, status, http.StatusNotFound)
	})
}

func TestBadBody(t *testing.T) {
	e := emulatortest.Start(t)
	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", []byte(`{"name":`))
	assert.Equal(t, status, http.StatusBadRequest, string(body))
	assert.Equal(t, apiErr(t, body).Code, "bad_request")
}
