package gitinfo

import (
	"context"
	"strings"
	"testing"
)

func TestFromEnvironmentFirst(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() // not a repository: only the variables can answer
	for _, tc := range []struct {
		env            []string
		commit, branch string
	}{
		{[]string{"GITHUB_SHA=abc", "GITHUB_REF_NAME=main"}, "abc", "main"},
		{[]string{"CI_COMMIT_SHA=def", "CI_COMMIT_REF_NAME=dev", "GITHUB_HEAD_REF="}, "def", "dev"},
		{[]string{"GITHUB_HEAD_REF=feature", "GITHUB_REF_NAME=12/merge"}, "", "feature"},
		{nil, "", ""},
	} {
		if got := Commit(ctx, dir, tc.env); got != tc.commit {
			t.Errorf("Commit(%v) = %q, want %q", tc.env, got, tc.commit)
		}
		if got := Branch(ctx, dir, tc.env); got != tc.branch {
			t.Errorf("Branch(%v) = %q, want %q", tc.env, got, tc.branch)
		}
	}
	if _, err := Output(ctx, dir, "rev-parse", "HEAD"); err == nil || !strings.HasPrefix(err.Error(), "git rev-parse: ") {
		t.Errorf("outside a repository: %v", err)
	}
}
