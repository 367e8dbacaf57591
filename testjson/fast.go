package testjson

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// fastDecode decodes the compact objects test2json and cmd/go write: no
// white space, string and number values only, known keys. It returns false
// for anything else, and the caller falls back to encoding/json, so any
// valid JSON object is still decoded correctly. The event's strings may
// share b's bytes: b must not change while the event is in use.
func fastDecode(b []byte, ev *Event) bool {
	var st decodeState
	return st.decode(b, ev)
}

// decodeState is what the fast decoder keeps between lines: interned
// package and test names (they repeat on every event of a test), the start
// of the last time's minute, and space for unescaped strings, so that a
// typical event costs no allocation.
type decodeState struct {
	pkg, test recentName // the previous event's, compared first
	// inPlace allows decode to write into the line (see
	// Decoder.UnescapeInPlace); newline is then the byte that becomes the
	// final newline of a value once the line is accepted.
	inPlace bool
	newline *byte
	names   map[string]string
	recent  [recentNames]string // see intern
	// arena holds unescaped strings: appended to, never written over, so
	// the strings made of it stay as they are; a new one replaces it when
	// full.
	arena     []byte
	pool      *pool // the Decoder's: where arenas come from and go; nil in tests
	zones     map[int]*time.Location
	minute    minuteCache
	slowTimes int // times left to time.Parse: tests expect none for test2json's own
}

// minuteCache remembers the minute of the last time parsed: times of one
// stream share it for thousands of events, and the rest of a time is
// seconds and nanoseconds added to it.
type minuteCache struct {
	prefix [16]byte // "2026-11-23T10:00"
	zone   [6]byte  // "Z" or "+01:00", as written
	zlen   int      // 0 when nothing is cached
	unix   int64    // the minute's start in Unix seconds
	loc    *time.Location
}

// arenaSize is the size of an arena for unescaped strings.
const arenaSize = 64 << 10

// text returns raw as a string that shares its bytes: the input line's
// (the Decoder's buffer) or the arena's, for unescaped bytes parseString
// just wrote at its free end. It is used for Output only: see Decoder.
func (st *decodeState) text(raw []byte, unescaped bool) string {
	if len(raw) == 0 {
		return ""
	}
	if unescaped { // raw is at the free end of the arena: keep it
		start := len(st.arena)
		st.arena = st.arena[:start+len(raw)]
		raw = st.arena[start:len(st.arena):len(st.arena)]
	}
	return unsafe.String(&raw[0], len(raw))
}

// maxNames bounds the intern table; it is cleared when full.
const maxNames = 1 << 14

func (st *decodeState) intern(b []byte) string {
	slot := &st.recent[nameSlot(b)]
	if *slot == string(b) && len(b) > 0 {
		return *slot
	}
	s, ok := st.names[string(b)]
	if !ok {
		if st.names == nil || len(st.names) >= maxNames {
			st.names = make(map[string]string, 256)
		}
		s = string(b)
		st.names[s] = s
	}
	*slot = s
	return s
}

// recentNames is the size of the direct-mapped cache in front of the
// intern table: streams interleave a few packages and their running tests,
// and a hit costs a comparison instead of hashing the name.
const recentNames = 256

// nameSlot picks a slot of the cache from a name's length and a few of its
// bytes (names of one package share their beginning, so the end counts).
func nameSlot(b []byte) int {
	n := len(b)
	if n == 0 {
		return 0
	}
	h := uint(n)*0x9E37 ^ uint(b[n-1])*0x85EB ^ uint(b[n/2])*0xC2B2 ^ uint(b[n*3/4])*0x27D4
	if n > 2 {
		h ^= uint(b[n-2]) * 0x1657
	}
	return int(h^h>>8) & (recentNames - 1)
}

// field is a key of the events test2json and cmd/go write.
type field uint8

const (
	fieldUnknown field = iota
	fieldTime
	fieldAction
	fieldPackage
	fieldTest
	fieldElapsed
	fieldOutput
	fieldFailedBuild
	fieldImportPath
	fieldKey
	fieldValue
	fieldPath
	fieldOutputType
	fieldAttempt
	fieldWorker
	fieldWorkers
)

// The first eight bytes of test2json's most frequent keys, and the output
// action with its quotes, each as a little-endian word (see decode).
const (
	keyTime    = 0x223a22656d695422 // "Time":"
	keyTest    = 0x223a227473655422 // "Test":"
	keyAction  = 0x226e6f6974634122 // "Action"
	keyPackage = 0x6567616b63615022 // "Package
	keyOutput  = 0x2274757074754f22 // "Output"
	valOutput  = 0x2274757074756f22 // "output"
	keyElapsed = 0x64657370616c4522 // "Elapsed
)

// maxTimeLen bounds the times read in place: RFC 3339 with nanoseconds
// and a zone offset is 35 bytes.
const maxTimeLen = 40

// fieldOf returns the field a key names.
func fieldOf(key []byte) field {
	switch string(key) {
	case "Time":
		return fieldTime
	case "Action":
		return fieldAction
	case "Package":
		return fieldPackage
	case "Test":
		return fieldTest
	case "Elapsed":
		return fieldElapsed
	case "Output":
		return fieldOutput
	case "FailedBuild":
		return fieldFailedBuild
	case "ImportPath":
		return fieldImportPath
	case "Key":
		return fieldKey
	case "Value":
		return fieldValue
	case "Path":
		return fieldPath
	case "OutputType":
		return fieldOutputType
	case "Attempt":
		return fieldAttempt
	case "Worker":
		return fieldWorker
	case "Workers":
		return fieldWorkers
	}
	return fieldUnknown
}

func (st *decodeState) decode(b []byte, ev *Event) bool {
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	st.newline = nil
	i := 1
	if b[1] == '}' {
		return len(b) == 2
	}
	for {
		// key: a plain name, then a colon; test2json's own keys are
		// recognised by their first eight bytes
		f, next := fieldUnknown, 0
		if i+10 <= len(b) {
			switch binary.LittleEndian.Uint64(b[i:]) {
			case keyTime:
				f, next = fieldTime, i+7
			case keyTest:
				f, next = fieldTest, i+7
			case keyAction:
				if b[i+8] == ':' {
					f, next = fieldAction, i+9
				}
			case keyOutput:
				if b[i+8] == ':' {
					f, next = fieldOutput, i+9
				}
			case keyPackage:
				if b[i+8] == '"' && b[i+9] == ':' {
					f, next = fieldPackage, i+10
				}
			case keyElapsed:
				if b[i+8] == '"' && b[i+9] == ':' {
					f, next = fieldElapsed, i+10
				}
			}
		}
		if f != fieldUnknown {
			i = next
		} else {
			if i >= len(b) || b[i] != '"' {
				return false
			}
			j := i + 1
			for j < len(b) && b[j] >= 'A' && b[j] <= 'z' {
				j++
			}
			if j+1 >= len(b) || b[j] != '"' || b[j+1] != ':' {
				return false
			}
			f = fieldOf(b[i+1 : j])
			i = j + 2
		}
		switch f {
		case fieldUnknown:
			return false
		case fieldAttempt, fieldWorker, fieldWorkers:
			j := i
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			n, err := strconv.Atoi(string(b[i:j]))
			if err != nil || !jsonNumber(b[i:j]) {
				return false
			}
			switch f {
			case fieldAttempt:
				ev.Attempt = n
			case fieldWorker:
				ev.Worker = n
			default:
				ev.Workers = n
			}
			i = j
		case fieldElapsed:
			j := i
			for j < len(b) && (b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || (b[j] >= '0' && b[j] <= '9')) {
				j++
			}
			v, err := strconv.ParseFloat(string(b[i:j]), 64)
			if err != nil || !jsonNumber(b[i:j]) {
				return false
			}
			ev.Elapsed = v
			i = j
		case fieldAction:
			if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == valOutput {
				ev.Action, i = ActionOutput, i+8 // most events
				break
			}
			raw, n, _, ok := st.parseString(b[i:])
			if !ok {
				return false
			}
			ev.Action, i = internAction(raw), i+n
		case fieldTime:
			// A time of the previous time's minute is read in place: the
			// string ends at the first quote, and sameMinute checks every
			// byte before it (no escape can pass).
			if i < len(b) && b[i] == '"' {
				rest := b[i+1:]
				if q := bytes.IndexByte(rest[:min(len(rest), maxTimeLen)], '"'); q >= 0 {
					if t, ok := st.sameMinute(rest[:q]); ok {
						ev.Time, i = t, i+q+2
						break
					}
				}
			}
			raw, n, _, ok := st.parseString(b[i:])
			if !ok {
				return false
			}
			t, ok := st.parseTime(raw)
			if !ok {
				return false
			}
			ev.Time, i = t, i+n
		case fieldPackage:
			var ok bool
			if ev.Package, i, ok = st.readName(&st.pkg, b, i); !ok {
				return false
			}
		case fieldTest:
			var ok bool
			if ev.Test, i, ok = st.readName(&st.test, b, i); !ok {
				return false
			}
		default:
			if f == fieldOutput && st.inPlace {
				if raw, n, ok := st.outputInPlace(b[i:]); ok {
					ev.Output, i = st.text(raw, false), i+n
					break
				}
			}
			raw, n, unescaped, ok := st.parseString(b[i:])
			if !ok {
				return false
			}
			i += n
			switch f {
			case fieldOutput:
				ev.Output = st.text(raw, unescaped)
			case fieldFailedBuild:
				ev.FailedBuild = string(raw)
			case fieldImportPath:
				ev.ImportPath = st.intern(raw)
			case fieldKey:
				ev.Key = string(raw)
			case fieldValue:
				ev.Value = string(raw)
			case fieldPath:
				ev.Path = string(raw)
			case fieldOutputType:
				ev.OutputType = st.intern(raw)
			}
		}
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			if i != len(b)-1 {
				return false
			}
			if st.newline != nil && ev.Action != "" {
				*st.newline = '\n' // see outputInPlace
			}
			return true
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
func internAction(b []byte) Action {
	for _, a := range knownActions {
		if string(a) == string(b) {
			return a
		}
	}
	return Action(b)
}

// recentName is the previous event's package or test name. When it is
// plain (printable ASCII without quote or backslash), the same bytes
// between quotes in the input are the same name, found without scanning
// for the string's end.
type recentName struct {
	name   string
	quoted []byte // the name as the line had it: a JSON string with its quotes and escapes
}

// readName reads the name at b[i:] and returns it and where it ends,
// remembering it in r for the next event.
func (st *decodeState) readName(r *recentName, b []byte, i int) (string, int, bool) {
	// The same name as the last event's, escapes and all: a whole JSON
	// string is a prefix of b[i:] only where b's string is the same.
	if n := len(r.quoted); n > 0 && i+n <= len(b) && string(b[i:i+n]) == string(r.quoted) {
		return r.name, i + n, true
	}
	raw, n, _, ok := st.parseString(b[i:])
	if !ok {
		return "", 0, false
	}
	r.name = st.intern(raw)
	r.quoted = append(r.quoted[:0], b[i:i+n]...)
	return r.name, i + n, true
}

// outputInPlace is parseString for an Output value when the decoder may
// write into the line (see Decoder.UnescapeInPlace): a value that is the
// line's last, plain ASCII up to a final \n, is the line's own bytes, its
// last one the escape's backslash, which decode turns into the newline
// once the line is accepted as an event (a line that is not stays as
// read). Only Output: other values are copied before that (intern, an
// action's name), so they would keep the backslash. ok is false for any
// other value.
func (st *decodeState) outputInPlace(b []byte) (raw []byte, n int, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, 0, false
	}
	i := 1 + special(b[1:])
	if i+4 != len(b) || b[i] != '\\' || b[i+1] != 'n' || b[i+2] != '"' || b[i+3] != '}' {
		return nil, 0, false
	}
	st.newline = &b[i]
	return b[1 : i+1], i + 3, true
}

// parseString parses a JSON string at the start of b and returns its
// unquoted bytes, the number of bytes it took, and whether the bytes are
// unescaped ones at the free end of the arena (valid until the next call;
// text keeps them) rather than b's. Invalid UTF-8 is rejected so that the
// fallback decoder applies encoding/json's replacement rules.
func (st *decodeState) parseString(b []byte) (raw []byte, n int, unescaped, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, 0, false, false
	}
	i := 1 + special(b[1:])
	if i < len(b) && b[i] == '"' {
		return b[1:i], i + 1, false, true
	}
	ascii := true
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			raw := b[1:i]
			if !ascii && !utf8.Valid(raw) {
				return nil, 0, false, false
			}
			return raw, i + 1, false, true
		case c == '\\':
			raw, n, ok := st.unescape(b, i, ascii)
			return raw, n, true, ok
		case c < 0x20:
			return nil, 0, false, false
		}
		ascii = false
		i++
		i += special(b[i:])
	}
	return nil, 0, false, false
}

// unescape is the slow path of parseString for strings with escapes, the
// first at b[at]; ascii tells whether b[1:at] is ASCII. It writes at the
// free end of the arena, which has room: unescaped text is never longer
// than its JSON.
func (st *decodeState) unescape(b []byte, at int, ascii bool) ([]byte, int, bool) {
	out := st.room(len(b))
	out = append(out, b[1:at]...)
	i := at
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(out) {
				return nil, 0, false
			}
			return out, i + 1, true
		case c < 0x20:
			return nil, 0, false
		case c != '\\':
			// copy a run of plain bytes at once
			j := i + 1 + special(b[i+1:])
			if c >= utf8.RuneSelf {
				ascii = false
			}
			out = append(out, b[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(b) {
			return nil, 0, false
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
			// \u003c, \u0026, \u003e: encoding/json's HTML escapes, most of
			// the \u escapes a stream holds.
			if i+5 < len(b) && b[i+2] == '0' && b[i+3] == '0' {
				if h, l := hexValue(b[i+4]), hexValue(b[i+5]); h|l < 16 && h < 8 {
					out = append(out, h<<4|l)
					i += 6
					continue
				}
			}
			r, n := parseU(b[i:])
			if n == 0 {
				return nil, 0, false
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
			out = utf8.AppendRune(out, r) // not ASCII: the fast path above took those
			i += n
			continue
		default:
			return nil, 0, false
		}
		i += 2
	}
	return nil, 0, false
}

// room returns the free end of the arena with room for n bytes, replacing
// a full arena.
func (st *decodeState) room(n int) []byte {
	if n > cap(st.arena)-len(st.arena) {
		st.pool.retire(st.arena)
		if n > arenaSize {
			st.arena = make([]byte, 0, n)
		} else {
			st.arena = st.pool.take(arenaSize)
		}
	}
	return st.arena[len(st.arena):len(st.arena):cap(st.arena)]
}

// parseTime parses the RFC 3339 times test2json writes
// (2026-11-23T10:00:00.123456789Z or with a +hh:mm offset) without
// allocating; anything else goes to time.Parse.
func (st *decodeState) parseTime(b []byte) (time.Time, bool) {
	// The common case first, in a function of its own: parseFullTime's
	// frame cost more to set up than sameMinute took.
	if t, ok := st.sameMinute(b); ok {
		return t, true
	}
	return st.parseFullTime(b)
}

// parseFullTime is parseTime for a time of another minute than the last.
func (st *decodeState) parseFullTime(b []byte) (time.Time, bool) {
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	slow := func() (time.Time, bool) {
		st.slowTimes++
		t, err := time.Parse(time.RFC3339Nano, string(b))
		return t, err == nil
	}
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return slow()
	}
	year, ok1 := num(b[0:4])
	month, ok2 := num(b[5:7])
	day, ok3 := num(b[8:10])
	hour, ok4 := num(b[11:13])
	minute, ok5 := num(b[14:16])
	sec, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return slow()
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		digits := rest[1:j]
		if len(digits) == 0 || len(digits) > 9 {
			return slow()
		}
		nsec, _ = num(digits)
		for k := len(digits); k < 9; k++ {
			nsec *= 10
		}
		rest = rest[j:]
	}
	var loc *time.Location
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
		loc = time.UTC
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hh, okh := num(rest[1:3])
		mm, okm := num(rest[4:6])
		if !okh || !okm || hh > 23 || mm > 59 {
			return slow()
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		if off == 0 {
			return slow() // time.Parse gives "+00:00" a zone of its own
		}
		if loc = st.zones[off]; loc == nil {
			t, ok := slow()
			if !ok {
				return t, false
			}
			if st.zones == nil {
				st.zones = map[int]*time.Location{}
			}
			st.zones[off] = t.Location()
			return t, true
		}
	default:
		return slow()
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day { // 31 February and the like
		return slow()
	}
	if len(rest) <= len(st.minute.zone) {
		m := &st.minute
		copy(m.prefix[:], b[:16])
		m.zlen = copy(m.zone[:], rest)
		m.unix = t.Unix() - int64(sec)
		m.loc = loc
	}
	return t, true
}

// sameMinute computes a time in the minute of the last one parsed from its
// seconds and fraction alone; ok is false for a time of another minute or
// zone, or one to look at closely.
func (st *decodeState) sameMinute(b []byte) (time.Time, bool) {
	m := &st.minute
	if m.zlen == 0 || len(b) < 20 || b[16] != ':' || string(b[:16]) != string(m.prefix[:]) {
		return time.Time{}, false
	}
	s0, s1 := b[17], b[18]
	if s0 < '0' || s0 > '5' || s1 < '0' || s1 > '9' {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		j := 1
		for j < len(rest) && j <= 9 && rest[j] >= '0' && rest[j] <= '9' {
			nsec = nsec*10 + int(rest[j]-'0')
			j++
		}
		if j == 1 || (j < len(rest) && rest[j] >= '0' && rest[j] <= '9') {
			return time.Time{}, false // no digits, or more than nine
		}
		for k := j; k <= 9; k++ {
			nsec *= 10
		}
		rest = rest[j:]
	}
	if string(rest) != string(m.zone[:m.zlen]) {
		return time.Time{}, false
	}
	t := time.Unix(m.unix+int64(s0-'0')*10+int64(s1-'0'), int64(nsec))
	if m.loc == time.UTC {
		return t.UTC(), true
	}
	return t.In(m.loc), true
}

// parseU parses a \uXXXX escape at the start of b.
func parseU(b []byte) (rune, int) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, 0
	}
	var v rune
	for _, c := range b[2:6] {
		d := hexValue(c)
		if d > 15 {
			return 0, 0
		}
		v = v<<4 | rune(d)
	}
	return v, 6
}

// hexValue is the value of a hex digit, or 16 for any other byte.
func hexValue(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 16
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

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special returns the index of the first byte of b that ends a plain run
// of a JSON string: a quote, a backslash, a control character or a byte
// outside ASCII; len(b) if there is none. It looks at 8 bytes at a time.
func special(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (0x22 * lsb) // quote becomes zero
		y := x ^ (0x5c * lsb) // backslash becomes zero
		// A byte's top bit ends up set when it is below 0x20 (x - 0x20
		// wraps), a quote (q - 1 wraps) or a backslash (y - 1 wraps), and
		// when it is 0x80 or above: then q - 1 or y - 1 keeps the top bit
		// (q and y cannot both be 0x80). A borrow flags a byte only above
		// the one that caused it: the lowest flagged byte is exact.
		m := ((x - 0x20*lsb) | (q - lsb) | (y - lsb)) & msb
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return i
		}
	}
	return i
}
