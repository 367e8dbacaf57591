// Package textpages gives back the pages of gorerun's own executable that
// starting it touched: package initialisation runs code spread over the
// whole binary, and the kernel maps each page fault's 64 KiB around it,
// so a bigger binary costs resident memory it never uses again.
package textpages

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Release drops the mappings of the executable's read-only segments
// (code and constants: nothing in them was written, so nothing is lost)
// and asks the kernel not to map ahead in them: from then on a page is
// resident when it is used. Linux only; elsewhere, and on any error, it
// does nothing.
func Release() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		// 00400000-00c35000 r-xp 00000000 08:01 1234 /path/to/gorerun
		fields := strings.Fields(s.Text())
		if len(fields) < 6 || fields[5] != exe || strings.Contains(fields[1], "w") {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		release(uintptr(start), uintptr(end-start))
	}
}
