package step

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, as documented in the README.
const (
	ExitOK         = 0 // the step did what it was asked
	ExitFailed     = 1 // the step failed
	ExitUsage      = 2 // bad input or configuration
	ExitTimeout    = 3 // a wait ran past its deadline
	ExitDeployFail = 4 // the deploy ended in an error or was cancelled
)

// Coder is implemented by errors that know their exit code. ExitCode finds it anywhere in an
// error's chain, so a package such as the PlanetScale client need not import this one.
type Coder interface {
	ExitCode() int
}

// codeError attaches an exit code to an error.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }
func (e *codeError) ExitCode() int { return e.code }

// WithCode returns err carrying the given exit code.
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codeError{code: code, err: err}
}

// usagef returns a bad-input error (exit 2).
func usagef(format string, args ...any) error {
	return WithCode(ExitUsage, fmt.Errorf(format, args...))
}

// Usagef returns a bad-input error (exit 2) for an action's own checks.
func Usagef(format string, args ...any) error { return usagef(format, args...) }

// DeployFailedf returns an error for a deploy that ended badly (exit 4).
func DeployFailedf(format string, args ...any) error {
	return WithCode(ExitDeployFail, fmt.Errorf(format, args...))
}

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var c Coder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ExitTimeout
	}
	return ExitFailed
}
