package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// Defaults is a local emulator's configuration: org "acme", database "app", a random all-access
// token, zero timings, embedded storage, DefaultRateLimit, safe migrations on main.
func Defaults() Config {
	return Config{
		Org: "acme", Databases: []string{"app"},
		TokenID: "tok" + randomString(12), Token: "pscale_tkn_" + randomString(32),
		RateLimit: DefaultRateLimit, SafeMigrations: []string{defaultBranch},
	}
}

// StartLocal serves an emulator made from cfg on 127.0.0.1 at a free port, URL set when it
// returns; stop closes it and waits until it no longer serves.
func StartLocal(ctx context.Context, cfg Config) (e *Emulator, stop func() error, err error) {
	e, err = New(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("listen: %w", err), e.Close())
	}
	srv, err := e.attach(l)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("serve: %w", err), e.Close())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	stop = func() error {
		var errs []error
		if err := e.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close emulator: %w", err))
		}
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("serve: %w", err))
		}
		return errors.Join(errs...)
	}
	return e, stop, nil
}
