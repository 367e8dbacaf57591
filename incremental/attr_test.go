package incremental

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestAttrMarksParent(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestScenario$", "-test.v")
	cmd.Env = append(os.Environ(), scenarioEnv+"=skip-does-not-stop")
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "=== ATTR  TestScenario gorerun.incremental true") {
		t.Errorf("parent not marked incremental:\n%s", out)
	}
}
