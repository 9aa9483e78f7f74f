package runctx_test

import (
	"testing"

	"github.com/psflow/psflow/pkg/runctx"
)

func TestGitLab(t *testing.T) {
	t.Parallel()
	mr := map[string]string{
		"GITLAB_CI": "true", "CI": "true", "CI_SERVER_HOST": "gitlab.com", "CI_PROJECT_PATH": "acme/bookings-api",
		"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_REF_NAME": "feature/orders",
		"CI_MERGE_REQUEST_IID": "12", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/orders", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		"CI_MERGE_REQUEST_TITLE": "Add orders", "CI_MERGE_REQUEST_PROJECT_PATH": "acme/bookings-api",
		"CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.com/acme/bookings-api",
	}
	cases := []readCase{
		{
			name: "merge request",
			env:  mr,
			want: runctx.Context{
				CI: runctx.GitLab, PullRequest: 12, HeadRef: "feature/orders", BaseRef: "main", Title: "Add orders",
				URL: "https://gitlab.com/acme/bookings-api/-/merge_requests/12", Repository: "acme/bookings-api", Host: "gitlab.com",
			},
		},
		{
			name: "merge request without its project",
			env:  with(mr, map[string]string{"CI_MERGE_REQUEST_PROJECT_PATH": "", "CI_MERGE_REQUEST_PROJECT_URL": "", "CI_MERGE_REQUEST_TITLE": ""}),
			want: runctx.Context{CI: runctx.GitLab, PullRequest: 12, HeadRef: "feature/orders", BaseRef: "main", Repository: "acme/bookings-api", Host: "gitlab.com"},
		},
		{
			name: "branch pipeline",
			env: map[string]string{
				"GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.example.com", "CI_PROJECT_PATH": "acme/bookings-api",
				"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature/Orders", "CI_COMMIT_REF_NAME": "feature/Orders",
			},
			want: runctx.Context{CI: runctx.GitLab, HeadRef: "feature/Orders", Event: runctx.Push, Repository: "acme/bookings-api", Host: "gitlab.example.com"},
		},
		{
			name: "tag pipeline names no branch",
			env:  map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": "v1", "CI_COMMIT_REF_NAME": "v1"},
			want: runctx.Context{CI: runctx.GitLab, Event: runctx.Push},
		},
		{name: "malformed iid", env: with(mr, map[string]string{"CI_MERGE_REQUEST_IID": "twelve"}), err: `GitLab CI: CI_MERGE_REQUEST_IID: "twelve" is not a pull request number`},
	}
	runCases(t, cases)
}

func TestBitbucket(t *testing.T) {
	t.Parallel()
	pr := map[string]string{
		"CI": "true", "BITBUCKET_BUILD_NUMBER": "81", "BITBUCKET_BRANCH": "feature/orders", "BITBUCKET_REPO_FULL_NAME": "acme/bookings-api",
		"BITBUCKET_GIT_HTTP_ORIGIN": "http://bitbucket.org/acme/bookings-api", "BITBUCKET_PR_ID": "5", "BITBUCKET_PR_DESTINATION_BRANCH": "main",
	}
	cases := []readCase{
		{
			name: "pull request",
			env:  pr,
			want: runctx.Context{
				CI: runctx.Bitbucket, PullRequest: 5, HeadRef: "feature/orders", BaseRef: "main",
				URL: "https://bitbucket.org/acme/bookings-api/pull-requests/5", Repository: "acme/bookings-api", Host: "bitbucket.org",
			},
		},
		{
			name: "branch",
			env:  with(pr, map[string]string{"BITBUCKET_PR_ID": "", "BITBUCKET_PR_DESTINATION_BRANCH": ""}),
			want: runctx.Context{CI: runctx.Bitbucket, HeadRef: "feature/orders", Repository: "acme/bookings-api", Host: "bitbucket.org"},
		},
		{
			name: "pull request without repository",
			env:  with(pr, map[string]string{"BITBUCKET_REPO_FULL_NAME": "", "BITBUCKET_GIT_HTTP_ORIGIN": ""}),
			want: runctx.Context{CI: runctx.Bitbucket, PullRequest: 5, HeadRef: "feature/orders", BaseRef: "main", Host: "bitbucket.org"},
		},
		{name: "malformed id", env: with(pr, map[string]string{"BITBUCKET_PR_ID": "0"}), err: `BITBUCKET_PR_ID: "0" is not a pull request number`},
	}
	runCases(t, cases)
}

func TestBuildkite(t *testing.T) {
	t.Parallel()
	pr := map[string]string{
		"CI": "true", "BUILDKITE": "true", "BUILDKITE_BRANCH": "feature/orders", "BUILDKITE_REPO": "git@github.com:acme/bookings-api.git",
		"BUILDKITE_PULL_REQUEST": "42", "BUILDKITE_PULL_REQUEST_BASE_BRANCH": "main",
	}
	cases := []readCase{
		{
			name: "pull request",
			env:  pr,
			want: runctx.Context{
				CI: runctx.Buildkite, PullRequest: 42, HeadRef: "feature/orders", BaseRef: "main",
				URL: "https://github.com/acme/bookings-api/pull/42", Repository: "acme/bookings-api", Host: "github.com",
			},
		},
		{
			name: "branch",
			env:  with(pr, map[string]string{"BUILDKITE_PULL_REQUEST": "false", "BUILDKITE_PULL_REQUEST_BASE_BRANCH": ""}),
			want: runctx.Context{CI: runctx.Buildkite, HeadRef: "feature/orders", Repository: "acme/bookings-api", Host: "github.com"},
		},
		{
			name: "https repository without base branch",
			env:  with(pr, map[string]string{"BUILDKITE_REPO": "https://gitlab.com/acme/bookings-api.git", "BUILDKITE_PULL_REQUEST_BASE_BRANCH": ""}),
			want: runctx.Context{CI: runctx.Buildkite, PullRequest: 42, HeadRef: "feature/orders", Repository: "acme/bookings-api", Host: "gitlab.com"},
		},
		{name: "malformed number", env: with(pr, map[string]string{"BUILDKITE_PULL_REQUEST": "true"}), err: `BUILDKITE_PULL_REQUEST: "true" is not a pull request number`},
	}
	runCases(t, cases)
}

func TestCircleCI(t *testing.T) {
	t.Parallel()
	pr := map[string]string{
		"CI": "true", "CIRCLECI": "true", "CIRCLE_BRANCH": "feature/orders", "CIRCLE_REPOSITORY_URL": "git@github.com:acme/bookings-api.git",
		"CIRCLE_PROJECT_USERNAME": "acme", "CIRCLE_PROJECT_REPONAME": "bookings-api", "CIRCLE_PULL_REQUEST": "https://github.com/acme/bookings-api/pull/42",
	}
	cases := []readCase{
		{
			name: "pull request",
			env:  pr,
			want: runctx.Context{
				CI: runctx.CircleCI, PullRequest: 42, HeadRef: "feature/orders",
				URL: "https://github.com/acme/bookings-api/pull/42", Repository: "acme/bookings-api", Host: "github.com",
			},
		},
		{
			name: "pull request from a fork",
			env:  with(pr, map[string]string{"CIRCLE_BRANCH": "pull/43", "CIRCLE_PR_NUMBER": "43", "CIRCLE_PULL_REQUEST": "https://github.com/acme/bookings-api/pull/43"}),
			want: runctx.Context{
				CI: runctx.CircleCI, PullRequest: 43, HeadRef: "pull/43",
				URL: "https://github.com/acme/bookings-api/pull/43", Repository: "acme/bookings-api", Host: "github.com",
			},
		},
		{
			name: "branch",
			env:  with(pr, map[string]string{"CIRCLE_PULL_REQUEST": ""}),
			want: runctx.Context{CI: runctx.CircleCI, HeadRef: "feature/orders", Repository: "acme/bookings-api", Host: "github.com"},
		},
		{
			name: "repository from the URL only",
			env:  with(pr, map[string]string{"CIRCLE_PROJECT_USERNAME": "", "CIRCLE_PROJECT_REPONAME": "", "CIRCLE_PULL_REQUEST": ""}),
			want: runctx.Context{CI: runctx.CircleCI, HeadRef: "feature/orders", Repository: "acme/bookings-api", Host: "github.com"},
		},
		{name: "malformed URL", env: with(pr, map[string]string{"CIRCLE_PULL_REQUEST": "https://github.com/acme/bookings-api/pulls"}), err: `CIRCLE_PULL_REQUEST: "pulls" is not a pull request number`},
	}
	runCases(t, cases)
}

func TestAzurePipelines(t *testing.T) {
	t.Parallel()
	github := map[string]string{
		"TF_BUILD": "True", "BUILD_REASON": "PullRequest", "BUILD_SOURCEBRANCH": "refs/pull/42/merge",
		"BUILD_REPOSITORY_PROVIDER": "GitHub", "BUILD_REPOSITORY_NAME": "acme/bookings-api", "BUILD_REPOSITORY_URI": "https://github.com/acme/bookings-api",
		"SYSTEM_PULLREQUEST_PULLREQUESTID": "1187345678", "SYSTEM_PULLREQUEST_PULLREQUESTNUMBER": "42",
		"SYSTEM_PULLREQUEST_SOURCEBRANCH": "feature/orders", "SYSTEM_PULLREQUEST_TARGETBRANCH": "main",
	}
	azureRepos := map[string]string{
		"TF_BUILD": "True", "BUILD_REASON": "PullRequest", "BUILD_SOURCEBRANCH": "refs/pull/17/merge",
		"BUILD_REPOSITORY_PROVIDER": "TfsGit", "BUILD_REPOSITORY_NAME": "bookings-api", "BUILD_REPOSITORY_URI": "https://dev.azure.com/acme/shop/_git/bookings-api",
		"SYSTEM_PULLREQUEST_PULLREQUESTID": "17", "SYSTEM_PULLREQUEST_SOURCEBRANCH": "refs/heads/feature/orders", "SYSTEM_PULLREQUEST_TARGETBRANCH": "refs/heads/main",
	}
	cases := []readCase{
		{
			name: "github pull request",
			env:  github,
			want: runctx.Context{CI: runctx.AzurePipelines, PullRequest: 42, HeadRef: "feature/orders", BaseRef: "main", Repository: "acme/bookings-api", Host: "github.com"},
		},
		{
			name: "azure repos pull request",
			env:  azureRepos,
			want: runctx.Context{CI: runctx.AzurePipelines, PullRequest: 17, HeadRef: "feature/orders", BaseRef: "main", Repository: "bookings-api", Host: "dev.azure.com"},
		},
		{
			name: "push",
			env: map[string]string{
				"TF_BUILD": "True", "BUILD_REASON": "IndividualCI", "BUILD_SOURCEBRANCH": "refs/heads/feature/Orders", "BUILD_SOURCEBRANCHNAME": "Orders",
				"BUILD_REPOSITORY_PROVIDER": "GitHub", "BUILD_REPOSITORY_NAME": "acme/bookings-api",
			},
			want: runctx.Context{CI: runctx.AzurePipelines, HeadRef: "feature/Orders", Event: runctx.Push, Repository: "acme/bookings-api", Host: "github.com"},
		},
		{
			name: "pull request build without its variables",
			env:  with(azureRepos, map[string]string{"SYSTEM_PULLREQUEST_PULLREQUESTID": "", "SYSTEM_PULLREQUEST_SOURCEBRANCH": "", "SYSTEM_PULLREQUEST_TARGETBRANCH": ""}),
			want: runctx.Context{CI: runctx.AzurePipelines, Repository: "bookings-api", Host: "dev.azure.com"},
		},
		{name: "malformed number", env: with(github, map[string]string{"SYSTEM_PULLREQUEST_PULLREQUESTNUMBER": "x"}), err: `SYSTEM_PULLREQUEST_PULLREQUESTNUMBER: "x" is not a pull request number`},
	}
	runCases(t, cases)
}

func TestJenkins(t *testing.T) {
	t.Parallel()
	pr := map[string]string{
		"JENKINS_URL": "https://jenkins.acme.example/", "BRANCH_NAME": "PR-42", "GIT_URL": "https://github.com/acme/bookings-api.git",
		"CHANGE_ID": "42", "CHANGE_BRANCH": "feature/orders", "CHANGE_TARGET": "main", "CHANGE_TITLE": "Add orders",
		"CHANGE_URL": "https://github.com/acme/bookings-api/pull/42",
	}
	cases := []readCase{
		{
			name: "pull request",
			env:  pr,
			want: runctx.Context{
				CI: runctx.Jenkins, PullRequest: 42, HeadRef: "feature/orders", BaseRef: "main", Title: "Add orders",
				URL: "https://github.com/acme/bookings-api/pull/42", Repository: "acme/bookings-api", Host: "github.com",
			},
		},
		{
			name: "pull request without git plugin",
			env:  with(pr, map[string]string{"GIT_URL": "", "CHANGE_URL": "https://bitbucket.org/acme/bookings-api/pull-requests/42"}),
			want: runctx.Context{
				CI: runctx.Jenkins, PullRequest: 42, HeadRef: "feature/orders", BaseRef: "main", Title: "Add orders",
				URL: "https://bitbucket.org/acme/bookings-api/pull-requests/42", Repository: "acme/bookings-api", Host: "bitbucket.org",
			},
		},
		{
			name: "branch",
			env:  map[string]string{"JENKINS_URL": "https://jenkins.acme.example/", "BRANCH_NAME": "feature/orders", "GIT_URL": "git@github.com:acme/bookings-api.git"},
			want: runctx.Context{CI: runctx.Jenkins, HeadRef: "feature/orders", Repository: "acme/bookings-api", Host: "github.com"},
		},
		{name: "change that is not a number", env: with(pr, map[string]string{"CHANGE_ID": "I8473b95934b5732ac55d26311a706c9c2bde9940"}), err: `Jenkins: CHANGE_ID: "I8473b95934b5732ac55d26311a706c9c2bde9940" is not a pull request number`},
	}
	runCases(t, cases)
}
