package step

import "github.com/psflow/psflow/pkg/runctx"

// Context returns the run's context (see package runctx): the CI, the pull request or branch,
// the event and the repository, read from the environment once and logged when the step starts.
func (s *Step) Context() (runctx.Context, error) {
	s.rcOnce.Do(func() { s.rc, s.rcErr = runctx.Read(s.env.Getenv) })
	return s.rc, s.rcErr
}

// logContext says once which CI and which pull request or branch the step runs for, when it
// found one; a context that cannot be read is reported by the action that needs it, if any.
func (s *Step) logContext() {
	if rc, err := s.Context(); err == nil && (rc.PullRequest > 0 || rc.HeadRef != "") {
		s.Logf("%s", rc)
	}
}
