// Package examples holds the example workflows and buildspecs and the
// tests that run them: the pull-request workflow under act against an
// emulator, and each CodeBuild buildspec's commands in bash.
package examples
