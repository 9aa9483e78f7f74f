//go:build !unix

package waitanddeploy

import "context"

// lockFile is a no-op where flock does not exist; runs rely on the API
// refusing a second deploy.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
