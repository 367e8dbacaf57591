package junitout

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// FuzzEncodeSuite: the hand-written encoder writes exactly what
// encoding/xml writes for the same testsuite.
func FuzzEncodeSuite(f *testing.F) {
	f.Add("m/p", "TestA/sub", "msg \"q\" <&> 'a'\n\t\r", "body ]]> more ]]]]> end", "out", true, 2)
	f.Add("", "", "", "", "", false, 0)
	f.Add("m/ü", "T\x00\x1b[31m", "\xff\xfe", "\x00", "]]>", true, 1)
	f.Fuzz(func(t *testing.T, suite, name, msg, body, out string, props bool, attempts int) {
		s := Testsuite{Name: suite, Time: "1.000"}
		if props {
			s.Properties = []Property{{Name: "go.version", Value: msg}, {Name: name, Value: body}}
		}
		tc := Testcase{Name: name, Classname: suite, Time: "0.001"}
		a := Attempt{Message: msg, Type: "failure", StackTrace: Text{body}}
		if out != "" {
			a.SystemOut = &Text{out}
		}
		for i := 0; i < attempts%4; i++ {
			tc.RerunFailures = append(tc.RerunFailures, a)
			tc.FlakyErrors = append(tc.FlakyErrors, a)
		}
		switch attempts % 3 {
		case 0:
			tc.Failure = &Result{Message: msg, Type: "failure", Body: body}
		case 1:
			tc.Error = &Result{Message: msg, Type: "crash", Body: body}
			tc.SystemErr = &Text{out}
		case 2:
			tc.Skipped = &Skipped{Message: msg}
			tc.SystemOut = &Text{out}
		}
		s.AddTestcase(tc)
		s.AddTestcase(Testcase{Name: "plain", Classname: suite, Time: "0.000"})
		var fast, slow bytes.Buffer
		if err := encodeSuite(&fast, &s); err != nil {
			t.Fatal(err)
		}
		if err := encodeSuiteReflect(&slow, &s); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
			t.Fatalf("hand-written:\n%s\nencoding/xml:\n%s", fast.Bytes(), slow.Bytes())
		}
	})
}

// appendEscaped writes what xml.EscapeText writes, byte for byte.
func TestAppendEscapedIsEscapeText(t *testing.T) {
	for _, s := range []string{"", "plain", `q"a'&<>`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "é ü 日本 🙂",
		"\xff\xfe bad", "\uFFFD literal", "\xef\xbf\xbd", "\xed\xa0\x80 surrogate", "\U0010FFFF \uFFFE \uFFFF",
		"mixed é\"\n\xff<", "x_test.go:12: want \"a\" got 'b' & <c>"} {
		var want bytes.Buffer
		xml.EscapeText(&want, []byte(s))
		if got := appendEscaped([]byte("pre"), s); string(got) != "pre"+want.String() {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got[3:], want.String())
		}
	}
}
