package textpages

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// rssFile is the process's resident file-backed memory in KiB.
func rssFile(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// TestReleaseGivesBackTheExecutablesPages: after Release the test binary
// holds fewer of its own pages, and goes on running (its code comes back
// as it is used).
func TestReleaseGivesBackTheExecutablesPages(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	before := rssFile(t)
	Release()
	after := rssFile(t)
	if after >= before {
		t.Errorf("RssFile %d KiB before Release, %d KiB after", before, after)
	}
	// Code and constants read after Release are whole.
	if got := strconv.Itoa(12345) + strings.Repeat("x", 2); got != "12345xx" {
		t.Errorf("after Release: %q", got)
	}
}
