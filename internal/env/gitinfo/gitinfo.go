// Package gitinfo asks git about the code under test: its commit and
// branch (from CI's variables first), and git's own answers for commands
// that need them (the files changed since a revision).
package gitinfo

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Output runs git with args in dir and returns its trimmed output; its
// error carries the first line git wrote to stderr.
func Output(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("git %s: %s", args[0], strings.SplitN(msg, "\n", 2)[0])
		}
		return "", fmt.Errorf("git %s: %w", args[0], err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Commit names the commit under test: the first of the variables set in
// env ($GITHUB_SHA, $CI_COMMIT_SHA), else git rev-parse HEAD in dir,
// else "".
func Commit(ctx context.Context, dir string, env []string) string {
	return fromEnvOrGit(ctx, dir, env, []string{"GITHUB_SHA", "CI_COMMIT_SHA"}, "rev-parse", "HEAD")
}

// Branch names the branch under test: $GITHUB_HEAD_REF (a pull
// request), $GITHUB_REF_NAME or $CI_COMMIT_REF_NAME, else git's current
// branch in dir, else "".
func Branch(ctx context.Context, dir string, env []string) string {
	return fromEnvOrGit(ctx, dir, env, []string{"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"}, "rev-parse", "--abbrev-ref", "HEAD")
}

func fromEnvOrGit(ctx context.Context, dir string, env, names []string, args ...string) string {
	for _, name := range names {
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, name+"="); ok && v != "" {
				return v
			}
		}
	}
	out, err := Output(ctx, dir, args...)
	if err != nil {
		return ""
	}
	return out
}
