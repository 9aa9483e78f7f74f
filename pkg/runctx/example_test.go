package runctx_test

import (
	"fmt"

	"github.com/psflow/psflow/pkg/runctx"
)

// Read takes the variables a CI sets; here AWS CodeBuild building pull
// request 7 of acme/app.
func ExampleRead() {
	env := map[string]string{
		"CODEBUILD_BUILD_ID":         "app:1",
		"CODEBUILD_WEBHOOK_TRIGGER":  "pr/7",
		"CODEBUILD_WEBHOOK_EVENT":    "PULL_REQUEST_UPDATED",
		"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/add-rooms",
		"CODEBUILD_WEBHOOK_BASE_REF": "refs/heads/main",
		"CODEBUILD_SOURCE_REPO_URL":  "https://github.com/acme/app.git",
	}
	rc, err := runctx.Read(func(name string) string { return env[name] })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rc.CI, rc.PullRequest, rc.HeadRef, "→", rc.BaseRef, rc.Event, rc.Repository)
	// Output:
	// AWS CodeBuild 7 add-rooms → main updated acme/app
}
