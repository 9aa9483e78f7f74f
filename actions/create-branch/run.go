package createbranch

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	if s.String("seed_data") != "" && s.String("backup_id") != "" {
		return step.Usagef("set seed_data or backup_id, not both")
	}
	if _, err := shared.MySQLCA(s, "auto"); err != nil {
		return err
	}
	c, err := shared.Client(s)
	if err != nil {
		return err
	}
	name, err := shared.Branch(s)
	if err != nil {
		return err
	}
	db := s.String("database")
	parent := s.String("parent_branch")
	if parent == "" {
		d, err := c.GetDatabase(ctx, db)
		if err != nil {
			return err
		}
		parent = d.DefaultBranch
	}
	if name == parent {
		return step.Usagef("branch %s is the parent branch of %s; name a development branch", name, shared.Where(s))
	}

	b, created, err := getOrCreate(ctx, s, c, db, planetscale.CreateBranch{
		Name: name, Parent: parent, Region: s.String("region"), BackupID: s.String("backup_id"), SeedData: s.String("seed_data"),
	})
	if err != nil {
		return err
	}
	s.Output("branch", b.Name)
	s.Output("created", strconv.FormatBool(created))
	s.Output("html_url", b.HtmlURL)

	start := time.Now()
	if !b.Ready && s.Bool("wait") {
		if b, err = waitReady(ctx, s, c, db, b.Name); err != nil {
			return err
		}
	}
	ready := time.Since(start)

	if s.Bool("create_password") {
		if err := mintPassword(ctx, s, c, db, b); err != nil {
			return err
		}
	}
	verb := "reused"
	if created {
		verb = "created"
	}
	s.Logf("branch %s of %s %s (parent %s, ready=%v)", b.Name, shared.Where(s), verb, b.ParentBranch, b.Ready)
	s.Summary(fmt.Sprintf("### Branch `%s` %s\n\n| | |\n|---|---|\n| Database | %s |\n| Parent | %s |\n| Region | %s |\n| Ready after | %s |\n| API calls | %d |\n",
		b.Name, verb, shared.Where(s), b.ParentBranch, b.Region.Slug, ready.Round(time.Millisecond), c.Calls()))
	return nil
}

// getOrCreate returns the branch, creating it when it does not exist. A
// create that fails ambiguously, or loses a race with another run, is
// reconciled by reading the branch back.
func getOrCreate(ctx context.Context, s *step.Step, c *planetscale.Client, db string, req planetscale.CreateBranch) (*planetscale.Branch, bool, error) {
	b, err := c.GetBranch(ctx, db, req.Name)
	if err == nil {
		return b, false, checkExisting(s, b, req.Parent)
	}
	if !planetscale.IsKind(err, planetscale.KindNotFound) {
		return nil, false, err
	}
	const attempts = 2
	for attempt := 1; ; attempt++ {
		b, err = c.CreateBranch(ctx, db, req)
		if err == nil {
			return b, true, nil
		}
		if planetscale.IsKind(err, planetscale.KindUnauthorized) || planetscale.IsKind(err, planetscale.KindForbidden) {
			return nil, false, err
		}
		existing, getErr := c.GetBranch(ctx, db, req.Name)
		if getErr == nil {
			s.Logf("branch %s appeared while creating it (another run, or a request whose answer was lost); reusing it", req.Name)
			return existing, false, checkExisting(s, existing, req.Parent)
		}
		// Nothing was created: try again only after a failure that may pass.
		if attempt == attempts || !planetscale.Transient(err) || !planetscale.IsKind(getErr, planetscale.KindNotFound) {
			return nil, false, err
		}
		s.Logf("branch %s was not created (%v); trying again", req.Name, err)
	}
}

// checkExisting refuses to reuse a branch that is not what was asked for.
func checkExisting(s *step.Step, b *planetscale.Branch, parent string) error {
	if b.Production {
		return step.Usagef("branch %s of %s is a production branch; create-branch only hands out development branches", b.Name, shared.Where(s))
	}
	if b.ParentBranch != parent {
		return step.Usagef("branch %s of %s already exists with parent %s, not %s; delete it or set parent_branch: %s",
			b.Name, shared.Where(s), b.ParentBranch, parent, b.ParentBranch)
	}
	return nil
}

func waitReady(ctx context.Context, s *step.Step, c *planetscale.Client, db, name string) (*planetscale.Branch, error) {
	var b *planetscale.Branch
	w := &planetscale.Waiter{
		What:    fmt.Sprintf("branch %s of %s to be ready", name, shared.Where(s)),
		Timeout: s.Duration("timeout"),
		Logf:    s.Logf,
	}
	_, err := w.Wait(ctx, func(ctx context.Context) (string, bool, error) {
		var err error
		if b, err = c.GetBranch(ctx, db, name); err != nil {
			return "", false, err
		}
		if b.Ready {
			return "ready", true, nil
		}
		return "not ready", false, nil
	})
	return b, err
}

// mintPassword creates the branch's password and outputs its connection
// details, masking every secret form before it is written anywhere.
func mintPassword(ctx context.Context, s *step.Step, c *planetscale.Client, db string, b *planetscale.Branch) error {
	name := fmt.Sprintf("psflow-%s-%d", b.Name, time.Now().UnixNano())
	cred, err := c.MintPassword(ctx, db, b.Name, name, s.String("password_role"), s.Duration("password_ttl"), s.Logf)
	if err != nil {
		return err
	}
	s.Mask(cred.PlainText)
	// The DSN and URL ask for verified TLS unless the host is loopback and
	// no mysql_ca says the server there speaks TLS.
	tls := s.String(shared.MySQLCAInput.Name) != "" || !planetscale.Loopback(cred.Hostname)
	s.Output("host", cred.Hostname)
	s.Output("username", cred.Username)
	s.Output("password", cred.PlainText)
	s.Output("password_id", cred.PublicID)
	s.Output("database_url", cred.URL(tls))
	s.Output("dsn", cred.DSN(tls))
	s.Logf("password id %s (%s, expires %s) created on branch %s", cred.PublicID, cred.Role, cred.ExpiresAt.UTC().Format(time.RFC3339), b.Name)
	return nil
}
