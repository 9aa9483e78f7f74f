package step

import "github.com/psflow/psflow/pkg/runctx"

// Context returns the run's context: the CI, the pull request or branch it
// builds, the event and the repository (see package runctx). It is read
// from the step's environment once; the step logs it when it starts.
func (s *Step) Context() (runctx.Context, error) {
	s.rcOnce.Do(func() { s.rc, s.rcErr = runctx.Read(s.env.Getenv) })
	return s.rc, s.rcErr
}

// logContext says once which CI and which pull request or branch the step
// runs for, when it found one. A context that cannot be read is reported
// by the action that needs it, if any.
func (s *Step) logContext() {
	if rc, err := s.Context(); err == nil && (rc.PullRequest > 0 || rc.HeadRef != "") {
		s.Logf("%s", rc)
	}
}
