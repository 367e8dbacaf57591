package testjson

import (
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// fastDecode decodes the compact objects test2json and cmd/go write: no
// white space, string and number values only, known keys. It returns false
// for anything else, and the caller falls back to encoding/json, so any
// valid JSON object is still decoded correctly.
func fastDecode(b []byte, ev *Event) bool {
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	i := 1
	if b[1] == '}' {
		return len(b) == 2
	}
	for {
		// key
		if i >= len(b) || b[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j >= len(b) || b[j] != '"' {
			return false
		}
		key := b[i+1 : j]
		i = j + 1
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i++
		if i >= len(b) {
			return false
		}
		if string(key) == "Attempt" {
			j = i
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			n, err := strconv.Atoi(string(b[i:j]))
			if err != nil || !jsonNumber(b[i:j]) {
				return false
			}
			ev.Attempt = n
			i = j
		} else if string(key) == "Elapsed" {
			j = i
			for j < len(b) && (b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || (b[j] >= '0' && b[j] <= '9')) {
				j++
			}
			f, err := strconv.ParseFloat(string(b[i:j]), 64)
			if err != nil || !jsonNumber(b[i:j]) {
				return false
			}
			ev.Elapsed = f
			i = j
		} else {
			s, n, ok := parseString(b[i:])
			if !ok {
				return false
			}
			i += n
			switch string(key) {
			case "Time":
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return false
				}
				ev.Time = t
			case "Action":
				ev.Action = internAction(s)
			case "Package":
				ev.Package = s
			case "Test":
				ev.Test = s
			case "Output":
				ev.Output = s
			case "FailedBuild":
				ev.FailedBuild = s
			case "ImportPath":
				ev.ImportPath = s
			case "Key":
				ev.Key = s
			case "Value":
				ev.Value = s
			case "Path":
				ev.Path = s
			case "OutputType":
				ev.OutputType = s
			default:
				return false
			}
		}
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return i == len(b)-1
		default:
			return false
		}
	}
}

var knownActions = [...]Action{ActionStart, ActionRun, ActionPause, ActionCont, ActionPass,
	ActionBench, ActionFail, ActionOutput, ActionSkip, ActionAttr, ActionArtifacts,
	ActionBuildOutput, ActionBuildFail}

// internAction returns the constant for a known action, so that decoding an
// event does not allocate a new string for it.
func internAction(s string) Action {
	for _, a := range knownActions {
		if string(a) == s {
			return a
		}
	}
	return Action(s)
}

// parseString parses a JSON string at the start of b and returns its value
// and the number of bytes it took. Invalid UTF-8 is rejected so that the
// fallback decoder applies encoding/json's replacement rules.
func parseString(b []byte) (string, int, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", 0, false
	}
	ascii := true
	i := 1
	for i < len(b) {
		c := b[i]
		if c == '"' {
			raw := b[1:i]
			if !ascii && !utf8.Valid(raw) {
				return "", 0, false
			}
			return string(raw), i + 1, true
		}
		if c == '\\' {
			return unescape(b)
		}
		if c < 0x20 {
			return "", 0, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		i++
	}
	return "", 0, false
}

// unescape is the slow path of parseString for strings with escapes.
func unescape(b []byte) (string, int, bool) {
	out := make([]byte, 0, len(b))
	i := 1
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return "", 0, false
			}
			return string(out), i + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", 0, false
		}
		switch b[i+1] {
		case '"', '\\', '/':
			out = append(out, b[i+1])
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			r, n := parseU(b[i:])
			if n == 0 {
				return "", 0, false
			}
			if utf16.IsSurrogate(r) {
				r2, n2 := parseU(b[i+n:])
				if d := utf16.DecodeRune(r, r2); n2 > 0 && d != utf8.RuneError {
					r = d
					n += n2
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
			i += n
			continue
		default:
			return "", 0, false
		}
		i += 2
	}
	return "", 0, false
}

// parseU parses a \uXXXX escape at the start of b.
func parseU(b []byte) (rune, int) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(b[2:6]), 16, 16)
	if err != nil {
		return 0, 0
	}
	return rune(v), 6
}

// jsonNumber reports whether b is a number in JSON's grammar, which is
// stricter than strconv's (no leading zeros, no "+", no ".5", no "1.").
func jsonNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i == len(b)
}
