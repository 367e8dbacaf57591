// Package flagvalue holds the flag values (pflag.Value) of gorerun's command line:
// durations that also take seconds, sizes with units, a switch that may
// name a file, and repeatable lists.
package flagvalue

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration accepts Go durations (1s, 250ms) and plain seconds (1, 0.5),
// finite and at most MaxDuration.
type Duration time.Duration

func (d *Duration) String() string { return time.Duration(*d).String() }

// Type names the value in help text (pflag.Value).
func (d *Duration) Type() string { return "duration" }

// MaxDuration is the longest Duration: a day.
const MaxDuration = 24 * time.Hour

func (d *Duration) Set(s string) error {
	if f, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0):
			return fmt.Errorf("%q is not a finite number of seconds", s)
		case f < 0:
			return errors.New("must not be negative")
		case f > MaxDuration.Seconds():
			return fmt.Errorf("%q is longer than the %s limit", s, MaxDuration)
		}
		*d = Duration(f * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is neither a duration (1s, 250ms) nor seconds (0.5), up to %s", s, MaxDuration)
	}
	if v < 0 {
		return errors.New("must not be negative")
	}
	if v > MaxDuration {
		return fmt.Errorf("%q is longer than the %s limit", s, MaxDuration)
	}
	*d = Duration(v)
	return nil
}

// Size accepts byte counts with an optional KiB, MiB, KB, MB suffix.
type Size int

func (s *Size) String() string { return strconv.Itoa(int(*s)) }

// Type names the value in help text (pflag.Value).
func (s *Size) Type() string { return "size" }

func (s *Size) Set(v string) error {
	mult := 1
	num := strings.TrimSpace(v)
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}} {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a size (1048576, 512KiB, 1MiB)", v)
	}
	*s = Size(n * mult)
	return nil
}

// OptionalFile is a switch that may name a file: --last-failed or
// --last-failed=FILE.
type OptionalFile struct {
	On   bool
	File string
}

func (v *OptionalFile) IsBoolFlag() bool { return true }

// Type names the value in help text (pflag.Value).
func (v *OptionalFile) Type() string { return "file" }

func (v *OptionalFile) String() string {
	if v == nil || !v.On {
		return ""
	}
	if v.File != "" {
		return v.File
	}
	return "true"
}

func (v *OptionalFile) Set(s string) error {
	switch s {
	case "true", "1":
		v.On, v.File = true, ""
	case "false", "0", "":
		v.On, v.File = false, ""
	default:
		v.On, v.File = true, s
	}
	return nil
}

// List is a flag that may be repeated, each value possibly
// comma-separated.
type List []string

func (l *List) String() string { return strings.Join(*l, ",") }

// Type names the value in help text (pflag.Value).
func (l *List) Type() string { return "files" }

func (l *List) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// Age is a span of days or more: Go durations (36h) and days (30d, 1.5d),
// up to MaxAge.
type Age time.Duration

// MaxAge is the longest Age: a hundred years.
const MaxAge = 100 * 365 * 24 * time.Hour

// String is the age as it is written: whole days as 90d, 0 when unset
// (which flag help then leaves out as the zero value).
func (a *Age) String() string {
	d := time.Duration(*a)
	switch {
	case d == 0:
		return "0"
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// Type names the value in help text (pflag.Value).
func (a *Age) Type() string { return "age" }

func (a *Age) Set(s string) error {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		f, err := strconv.ParseFloat(days, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f*24 > MaxAge.Hours() {
			return fmt.Errorf("%q is not a number of days (30d) up to %s", s, MaxAge)
		}
		d = time.Duration(f * 24 * float64(time.Hour))
	} else {
		v, err := time.ParseDuration(s)
		if err != nil || v < 0 || v > MaxAge {
			return fmt.Errorf("%q is neither days (30d) nor a duration (36h)", s)
		}
		d = v
	}
	*a = Age(d)
	return nil
}
