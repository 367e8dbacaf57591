// Command genstream writes a realistic generated go test -json stream, for
// benchmarks (see scripts/bench.sh):
//
//	go run ./internal/testutil/genstream -size 250MB -o stream.json
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gorerun/gorerun/internal/testutil/streamgen"
)

func main() {
	out := flag.String("o", "", "output file (default stdout)")
	size := flag.String("size", "250MB", "about how large a stream to write (B, KB, MB, GB)")
	seed := flag.Uint64("seed", 1, "random seed: the same seed writes the same stream")
	pkgs := flag.Int("packages", 16, "packages whose events interleave")
	failEvery := flag.Int("fail-every", 200, "one group in N fails (0: none)")
	shape := flag.String("shape", "", `another realistic shape: "pairs" (packages in pairs, nested subtests, escaped HTML output, -fail-every counting tests)`)
	onePackage := flag.Int("one-package", 0, "instead, one package of `N` top-level tests (-fail-every of them failing with a line of output)")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genstream: -size: %v\n", err)
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "" {
		if w, err = os.Create(*out); err != nil {
			fmt.Fprintf(os.Stderr, "genstream: %v\n", err)
			os.Exit(1)
		}
	}
	if *onePackage > 0 {
		err := streamgen.OnePackage(w, *onePackage, *failEvery)
		if err == nil && w != os.Stdout {
			err = w.Close()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "genstream: %v\n", err)
			os.Exit(1)
		}
		return
	}
	st, err := streamgen.Generate(w, streamgen.Config{Seed: *seed, Bytes: n, Packages: *pkgs, FailEvery: *failEvery, BuildFailPm: 2, Shape: *shape})
	if err == nil && w != os.Stdout {
		err = w.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "genstream: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genstream: %d bytes, %d events, %d packages, %d tests, %d failed groups, %d build failures\n",
		st.Bytes, st.Events, st.Packages, st.Tests, st.Failures, st.BuildFailures)
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size like 250MB", s)
	}
	return n * mult, nil
}
