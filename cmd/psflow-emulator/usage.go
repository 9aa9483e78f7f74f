package main

import (
	"errors"
	"fmt"
)

// errUsage marks errors in the command line or configuration.
var errUsage = errors.New("usage")

// usageError wraps a message as a usage error.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}
