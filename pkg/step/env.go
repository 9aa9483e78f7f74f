package step

import (
	"io"
	"os"
)

// Env is everything an action reads from and writes to the outside world.
// Tests build one instead of touching the process environment.
type Env struct {
	Args   []string            // arguments after the action name
	Getenv func(string) string // environment lookup
	Stdout io.Writer
	Stderr io.Writer
}

// OSEnv is the process's real environment.
func OSEnv(args []string) Env {
	return Env{Args: args, Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}
}

// MapEnv is an Env reading variables from m, for tests.
func MapEnv(m map[string]string, args []string, stdout, stderr io.Writer) Env {
	return Env{Args: args, Getenv: func(k string) string { return m[k] }, Stdout: stdout, Stderr: stderr}
}
