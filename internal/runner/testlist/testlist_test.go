package testlist

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		name         string
		files, xtest map[string]string
		want         []string
	}{
		{"tests, fuzz, then examples with output; file order", map[string]string{
			"a_test.go": `package p
import "testing"
func ExampleA() {
	// Output: a
}
func FuzzZ(f *testing.F) {}
func TestB(t *testing.T) {}
func TestA(t *testing.T) {}
`,
			"b_test.go": `package p
import "testing"
func TestC(t *testing.T) {}
func ExampleNoOutput() {}
func ExampleEmpty() {
	// Output:
}
`}, nil, []string{"TestB", "TestA", "TestC", "FuzzZ", "ExampleA", "ExampleEmpty"}},
		{"what go test does not run as a test", map[string]string{"a_test.go": `package p
import (
	"testing"
	. "testing"
)
type s struct{}
func (s) TestMethod(t *testing.T) {}
func TestMain(m *testing.M) {}
func Testlower(t *testing.T) {}
func TestWrongArg(b *testing.B) {}
func TestResult(t *testing.T) error { return nil }
func TestTwo(t, u *testing.T) {}
func BenchmarkX(b *testing.B) {}
func TestGeneric[T any](t *testing.T) {}
func Test(t *testing.T) {}
func Test_under(t *testing.T) {}
func TestDot(t *T) {}
func helper(t *testing.T) {}
`}, nil, []string{"Test", "Test_under", "TestDot"}},
		{"external test package after internal", map[string]string{"a_test.go": "package p\nimport \"testing\"\nfunc TestIn(t *testing.T) {}\n"},
			map[string]string{"x_test.go": "package p_test\nimport \"testing\"\nfunc TestOut(t *testing.T) {}\n"},
			[]string{"TestIn", "TestOut"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var files, xtest []string
			for _, set := range []struct {
				m   map[string]string
				out *[]string
			}{{tc.files, &files}, {tc.xtest, &xtest}} {
				for name, src := range set.m {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
						t.Fatal(err)
					}
					*set.out = append(*set.out, name)
				}
			}
			sort.Strings(files)
			got, err := Names(dir, files, xtest)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Names = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNamesUnparsable(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a_test.go"), []byte("package p\nfunc {"), 0o644)
	if _, err := Names(dir, []string{"a_test.go"}, nil); err == nil {
		t.Error("a test file that does not parse gave no error")
	}
}
