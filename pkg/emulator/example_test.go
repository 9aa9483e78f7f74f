package emulator_test

import (
	"context"
	"fmt"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
)

// An emulator on a free loopback port with embedded storage, reached with the official SDK; a
// password's host is the MySQL edge, which also serves the HTTP SQL API.
func ExampleStartLocal() {
	ctx := context.Background()
	cfg := emulator.Defaults()
	em, stop, err := emulator.StartLocal(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	client, _ := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(cfg.TokenID, cfg.Token))
	pw, err := client.Passwords.Create(ctx, &ps.DatabaseBranchPasswordRequest{
		Organization: cfg.Org, Database: "app", Branch: "main", Role: "reader", TTL: 300,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pw.Role, pw.Hostname == em.MySQLAddr())
	// Output: reader true
}
