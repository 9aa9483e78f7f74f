// Package examples holds the example workflows, buildspecs and pipelines
// and the tests that run them: the pull-request workflow under act against
// an emulator, each CodeBuild buildspec's commands in bash, and the GitLab
// merge request pipeline's jobs in bash, each with the variables its CI
// sets.
package examples
