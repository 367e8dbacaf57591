// Package streamgen writes realistic, deterministic go test -json streams
// for benchmarks and stress tests: many packages running at once, nested
// subtests, parallel tests whose events interleave, output in test2json's
// chunks (at most 1024 bytes, sometimes without a newline), failures with
// long output, and build failures.
package streamgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Config shapes a stream.
type Config struct {
	Seed        uint64
	Bytes       int64 // stop after about this many bytes
	Packages    int   // packages that run at once (interleaved)
	FailEvery   int   // one group in FailEvery fails (0: none)
	BuildFailPm int   // build failures per thousand packages
	// Shape "pairs" writes another realistic shape: packages interleaved
	// in pairs, subtests nested two deep, each test's output in several
	// chunks holding HTML and shell text ('<', '&', '>', which
	// encoding/json escapes as \u003c, \u0026, \u003e), and FailEvery
	// counting tests, each failure with long output (FailEvery 100: about
	// 1% of tests fail). "" is the default shape.
	Shape string
}

// Stats says what a generated stream holds.
type Stats struct {
	Bytes, Events                int64
	Packages, BuildFailures      int
	Tests, FailedTests, Failures int // Failures: failed groups
}

// Generate writes a stream to w and returns what it holds.
func Generate(w io.Writer, cfg Config) (Stats, error) {
	if cfg.Packages < 1 {
		cfg.Packages = 1
	}
	if cfg.Shape == "pairs" {
		cfg.Packages = 2
	}
	g := &gen{w: bufio.NewWriterSize(w, 1<<16), cfg: cfg, rnd: rand.New(rand.NewPCG(cfg.Seed, 1)),
		now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	for g.err == nil && g.stats.Bytes < cfg.Bytes {
		g.batch()
	}
	if g.err == nil {
		g.err = g.w.Flush()
	}
	return g.stats, g.err
}

type gen struct {
	w     *bufio.Writer
	cfg   Config
	rnd   *rand.Rand
	now   time.Time
	stats Stats
	buf   []byte
	next  int
	err   error
}

// batch runs cfg.Packages packages concurrently, interleaving their events.
func (g *gen) batch() {
	type runner struct {
		pkg   string
		steps []func()
	}
	var rs []*runner
	for i := 0; i < g.cfg.Packages; i++ {
		g.next++
		pkg := fmt.Sprintf("example.com/big/svc%04d/internal/pkg%d", g.next%2000, g.next)
		g.stats.Packages++
		if g.cfg.BuildFailPm > 0 && g.rnd.IntN(1000) < g.cfg.BuildFailPm {
			g.buildFailure(pkg)
			continue
		}
		steps := g.packageSteps
		if g.cfg.Shape == "pairs" {
			steps = g.pairSteps
		}
		rs = append(rs, &runner{pkg: pkg, steps: steps(pkg)})
	}
	for len(rs) > 0 {
		i := g.rnd.IntN(len(rs))
		r := rs[i]
		r.steps[0]()
		r.steps = r.steps[1:]
		if len(r.steps) == 0 {
			rs = append(rs[:i], rs[i+1:]...)
		}
	}
}

func (g *gen) buildFailure(pkg string) {
	g.stats.BuildFailures++
	ip := pkg + " [" + pkg + ".test]"
	g.build(ip, "build-output", "# "+ip+"\n")
	for i := 0; i < 3; i++ {
		g.build(ip, "build-output", fmt.Sprintf("./x_test.go:%d:2: undefined: helper%d\n", 10+i, i))
	}
	g.build(ip, "build-fail", "")
	g.event("start", pkg, "", "", -1)
	g.event("output", pkg, "", "FAIL\t"+pkg+" [build failed]\n", -1)
	g.line(`{"Time":"` + g.ts() + `","Action":"fail","Package":"` + pkg + `","Elapsed":0,"FailedBuild":"` + ip + `"}`)
}

// packageSteps returns the events of one package as steps to interleave.
func (g *gen) packageSteps(pkg string) []func() {
	var steps []func()
	add := func(f func()) { steps = append(steps, f) }
	add(func() { g.event("start", pkg, "", "", -1) })
	groups := 3 + g.rnd.IntN(8)
	anyFail := false
	for gi := 0; gi < groups; gi++ {
		top := fmt.Sprintf("TestHandler%d_Case", gi)
		fail := g.cfg.FailEvery > 0 && g.rnd.IntN(g.cfg.FailEvery) == 0
		anyFail = anyFail || fail
		subs := g.rnd.IntN(6)
		add(func() {
			g.stats.Tests++
			g.event("run", pkg, top, "", -1)
			g.event("output", pkg, top, "=== RUN   "+top+"\n", -1)
		})
		failedSub := -1
		if fail && subs > 0 {
			failedSub = g.rnd.IntN(subs)
		}
		for si := 0; si < subs; si++ {
			name := fmt.Sprintf("%s/sub_case_%d#%02d", top, si, si%3)
			subFail := si == failedSub
			add(func() {
				g.stats.Tests++
				g.event("run", pkg, name, "", -1)
				g.event("output", pkg, name, "=== RUN   "+name+"\n", -1)
				g.event("output", pkg, name, "=== PAUSE "+name+"\n", -1)
				g.event("pause", pkg, name, "", -1)
			})
			add(func() {
				g.event("cont", pkg, name, "", -1)
				g.event("output", pkg, name, "=== CONT  "+name+"\n", -1)
				for l := 0; l < g.rnd.IntN(4); l++ {
					g.event("output", pkg, name, fmt.Sprintf("    handler_test.go:%d: request %d took %dms\n", 40+l, l, g.rnd.IntN(90)), -1)
				}
				if subFail {
					g.stats.FailedTests++
					g.failureOutput(pkg, name)
					g.event("output", pkg, name, "--- FAIL: "+name+" (0.01s)\n", -1)
					g.event("fail", pkg, name, "", 0.01)
					return
				}
				g.event("output", pkg, name, "--- PASS: "+name+" (0.00s)\n", -1)
				g.event("pass", pkg, name, "", 0)
			})
		}
		add(func() {
			if fail {
				g.stats.Failures++
				g.stats.FailedTests++
				if failedSub < 0 {
					g.failureOutput(pkg, top)
				}
				g.event("output", pkg, top, "--- FAIL: "+top+" (0.02s)\n", -1)
				g.event("fail", pkg, top, "", 0.02)
				return
			}
			g.event("output", pkg, top, "--- PASS: "+top+" (0.02s)\n", -1)
			g.event("pass", pkg, top, "", 0.02)
		})
	}
	add(func() { g.packageEnd(pkg, anyFail) })
	return steps
}

// pairSteps returns the events of one package of the "pairs" shape:
// top-level tests with subtests with subtests of their own, each test
// logging several lines of HTML and shell text, one test in FailEvery
// failing with long output.
func (g *gen) pairSteps(pkg string) []func() {
	var steps []func()
	add := func(f func()) { steps = append(steps, f) }
	add(func() { g.event("start", pkg, "", "", -1) })
	anyFail := false
	// test runs one test: its run, its output lines, its end.
	test := func(name string, depth int) bool {
		g.stats.Tests++
		g.event("run", pkg, name, "", -1)
		g.event("output", pkg, name, strings.Repeat("    ", depth)+"=== RUN   "+name+"\n", -1)
		for l := 0; l < 2+g.rnd.IntN(3); l++ {
			g.event("output", pkg, name, fmt.Sprintf("%s    page_test.go:%d: GET /items?id=%d&sort=asc -> <div class=\"item\">%d</div> && echo ok > /dev/null\n",
				strings.Repeat("    ", depth), 30+l, g.rnd.IntN(1000), l), -1)
		}
		fail := g.cfg.FailEvery > 0 && g.rnd.IntN(g.cfg.FailEvery) == 0
		if fail {
			g.stats.FailedTests++
			g.failureOutput(pkg, name)
		}
		return fail
	}
	end := func(name string, depth int, failed bool) {
		result, action := "PASS", "pass"
		if failed {
			result, action = "FAIL", "fail"
		}
		g.event("output", pkg, name, fmt.Sprintf("%s--- %s: %s (0.00s)\n", strings.Repeat("    ", depth), result, name), -1)
		g.event(action, pkg, name, "", 0)
	}
	for gi := 0; gi < 3+g.rnd.IntN(6); gi++ {
		top := fmt.Sprintf("TestPage%d", gi)
		add(func() {
			topFailed := test(top, 0)
			for si := 0; si < 1+g.rnd.IntN(3); si++ {
				sub := fmt.Sprintf("%s/view_%d", top, si)
				subFailed := test(sub, 1)
				for li := 0; li < 1+g.rnd.IntN(3); li++ {
					leaf := fmt.Sprintf("%s/case_<%d>&more", sub, li)
					leafFailed := test(leaf, 2)
					end(leaf, 2, leafFailed)
					subFailed = subFailed || leafFailed
				}
				end(sub, 1, subFailed)
				topFailed = topFailed || subFailed
			}
			end(top, 0, topFailed)
			if topFailed {
				g.stats.Failures++
				anyFail = true
			}
		})
	}
	add(func() { g.packageEnd(pkg, anyFail) })
	return steps
}

// packageEnd writes a package's last events, as go test writes them.
func (g *gen) packageEnd(pkg string, failed bool) {
	if failed {
		g.event("output", pkg, "", "FAIL\n", -1)
		g.event("output", pkg, "", "FAIL\t"+pkg+"\t0.123s\n", -1)
		g.event("fail", pkg, "", "", 0.123)
		return
	}
	g.event("output", pkg, "", "PASS\n", -1)
	g.event("output", pkg, "", "ok  \t"+pkg+"\t0.123s\n", -1)
	g.event("pass", pkg, "", "", 0.123)
}

// failureOutput writes a long failure message in test2json's chunks: at
// most 1024 bytes each, the last one without a newline.
func (g *gen) failureOutput(pkg, test string) {
	text := make([]byte, 0, 6000)
	text = append(text, "    handler_test.go:88: unexpected response:\n"...)
	for len(text) < 3000+g.rnd.IntN(3000) {
		text = append(text, "        \"field\": \"value with \\\"quotes\\\" and\ttabs é ☃\",\n"...)
	}
	for len(text) > 0 {
		n := min(len(text), 1024)
		g.event("output", pkg, test, string(text[:n]), -1)
		text = text[n:]
	}
	g.event("output", pkg, test, "\n", -1)
}

func (g *gen) ts() string {
	g.now = g.now.Add(time.Duration(g.rnd.IntN(3000)) * time.Microsecond)
	return g.now.Format(time.RFC3339Nano)
}

// event writes one test2json event with the fields in test2json's order.
func (g *gen) event(action, pkg, test, output string, elapsed float64) {
	b := g.buf[:0]
	b = append(b, `{"Time":"`...)
	b = append(b, g.ts()...)
	b = append(b, `","Action":"`...)
	b = append(b, action...)
	b = append(b, `","Package":"`...)
	b = append(b, pkg...)
	b = append(b, '"')
	if test != "" {
		b = append(b, `,"Test":`...)
		b = appendJSONString(b, test)
	}
	if elapsed >= 0 {
		b = append(b, `,"Elapsed":`...)
		b = strconv.AppendFloat(b, elapsed, 'f', -1, 64)
	}
	if action == "output" {
		b = append(b, `,"Output":`...)
		b = appendJSONString(b, output)
	}
	b = append(b, '}')
	g.buf = b
	g.write(b)
}

func (g *gen) build(importPath, action, output string) {
	b := g.buf[:0]
	b = append(b, `{"ImportPath":`...)
	b = strconv.AppendQuote(b, importPath)
	b = append(b, `,"Action":"`...)
	b = append(b, action...)
	b = append(b, '"')
	if output != "" {
		b = append(b, `,"Output":`...)
		b = appendJSONString(b, output)
	}
	b = append(b, '}')
	g.buf = b
	g.write(b)
}

func (g *gen) line(s string) { g.write([]byte(s)) }

func (g *gen) write(b []byte) {
	if g.err != nil {
		return
	}
	if _, err := g.w.Write(b); err != nil {
		g.err = err
		return
	}
	if err := g.w.WriteByte('\n'); err != nil {
		g.err = err
	}
	g.stats.Bytes += int64(len(b)) + 1
	g.stats.Events++
}

// appendJSONString appends s as a JSON string, escaping as encoding/json
// does for the characters test output holds.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// OnePackage writes the stream of one package of n passing top-level
// tests, every failEvery-th failing with one line of output (0: none
// fail): the shape of target 2 of issue #15 (one huge package).
func OnePackage(w io.Writer, n, failEvery int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	const pkg = "example.com/big"
	fmt.Fprintf(bw, `{"Action":"start","Package":%q}`+"\n", pkg)
	failed := 0
	for i := range n {
		name := fmt.Sprintf("TestCase%07d", i)
		fmt.Fprintf(bw, `{"Action":"run","Package":%q,"Test":%q}`+"\n", pkg, name)
		if failEvery > 0 && i%failEvery == failEvery-1 {
			failed++
			fmt.Fprintf(bw, `{"Action":"output","Package":%q,"Test":%q,"Output":"    big_test.go:12: broken %d\n"}`+"\n", pkg, name, i)
			fmt.Fprintf(bw, `{"Action":"fail","Package":%q,"Test":%q,"Elapsed":0.001}`+"\n", pkg, name)
			continue
		}
		fmt.Fprintf(bw, `{"Action":"pass","Package":%q,"Test":%q,"Elapsed":0.001}`+"\n", pkg, name)
	}
	action := "pass"
	if failed > 0 {
		action = "fail"
	}
	fmt.Fprintf(bw, `{"Action":%q,"Package":%q,"Elapsed":1}`+"\n", action, pkg)
	return bw.Flush()
}
