package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/runner/coverage"
	"github.com/gorerun/gorerun/internal/runner/proc"
	"github.com/gorerun/gorerun/internal/runner/testbin"
	"github.com/gorerun/gorerun/testjson"
)

// AttemptEnv is the environment variable that tells a test which attempt it
// runs in: 1 for the first run, 2 for the first rerun, and so on.
const AttemptEnv = "GORERUN_ATTEMPT"

// Config says what to run and how.
type Config struct {
	Go       string   // the go command; "go" if empty
	Dir      string   // working directory
	Packages []string // package patterns
	Flags    []string // the user's go test flags
	Env      []string // environment for go test; os.Environ() if nil

	Plan     grouping.PlanOptions
	Parallel int           // packages rerun at once, and -p of reruns
	Delay    time.Duration // before each rerun round
	Tracker  grouping.Options

	// First, if set, replaces the first round: these processes run
	// instead of one go test over Packages (for --last-failed).
	First []grouping.Rerun
	// Workers, when above 1, deals the groups of each package to this many
	// concurrent go test processes of the package in the first round
	// (whole groups, listed with go test -list), balanced by GroupTimings
	// (keys: deal.Key).
	Workers      int
	GroupTimings map[string]time.Duration
	// SameShuffle reruns a package that shuffled its tests with the seed
	// of its failed attempt (--rerun-same-shuffle); otherwise go test's
	// -shuffle=on picks a new order for each rerun.
	SameShuffle bool
	// Groups, if set, is what the first round runs instead of listing the
	// packages' groups (this shard's groups with --shard-by group).
	Groups []PackageGroups
	// FirstAttempt is the attempt number of the first round (1 if zero):
	// --last-failed continues the attempts an earlier run made.
	FirstAttempt int

	Observer output.Observer
	Stderr   io.Writer // go test's stderr goes here
	// Debug, if set, gets a line for every go command run, with how long
	// it took (--debug).
	Debug io.Writer
	// Guard kills the test processes if gorerun is killed (nil: none).
	Guard *proc.Guard
	// cover gives each process its own -coverprofile (set by Run).
	cover *coverage.Profiles
	// Binaries keeps the test binaries the run builds, so that reruns,
	// --workers processes and resumed crashes run them instead of
	// relinking (see internal/runner/testbin). Nil: Run keeps them in a
	// store of its own, removed when it returns; a hunt shares one over
	// its runs.
	Binaries *testbin.Store
	// NoKeep runs every process through go test, never a kept binary
	// (GORERUN_KEEP_BINARIES=0).
	NoKeep bool
	// BinariesDir, if set, keeps the test binaries from run to run
	// (GORERUN_BINARIES_DIR; see testbin.Config.Keep).
	BinariesDir string
	// GoEnv, if set, is what go env said (the session asks once); nil:
	// the run asks when it keeps binaries (see linkFlags).
	GoEnv *Env
	// Sleep waits d or until ctx is done; time.Sleep-like by default.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ErrInterrupted is returned (wrapped) when the context was canceled: the
// report holds what ran until then.
var ErrInterrupted = errors.New("interrupted")

// Run runs the first round and the rerun rounds the plan allows. It returns
// the report of every attempt, also when it returns an error.
func Run(ctx context.Context, cfg Config) (*grouping.Report, error) {
	cfg = withDefaults(cfg)
	if target, ok := GoFlag(cfg.Flags, "coverprofile"); ok && target != "" {
		// Each process writes a profile of its own, merged into the
		// user's file at the end (also when interrupted): workers,
		// reruns and resumed crashes would each overwrite it.
		profiles, perr := coverage.New(target, cfg.Dir)
		if perr != nil {
			return &grouping.Report{}, perr
		}
		cfg.cover = profiles
		defer func() {
			if err := profiles.Merge(); err != nil {
				fmt.Fprintf(cfg.Stderr, "gorerun: warning: %v: the coverage profile was not written\n", err)
			}
		}()
	}
	cfg, done := keepBinaries(ctx, cfg)
	defer done()
	report := &grouping.Report{}
	first, selected, err := firstRound(ctx, cfg)
	if first != nil {
		report.Add(first)
	}
	if err != nil {
		return report, err
	}
	for {
		plan := grouping.Plan(report, cfg.Plan)
		if plan.Refused != "" || len(plan.Races) > 0 {
			cfg.Observer.Refused(plan, cfg.Plan)
		}
		if len(plan.Reruns) == 0 {
			return report, listNeverStarted(ctx, cfg, report, selected)
		}
		if err := cfg.Sleep(ctx, cfg.Delay); err != nil {
			return report, fmt.Errorf("%w during the rerun delay", ErrInterrupted)
		}
		cfg.Observer.Round(plan)
		a, err := runRound(ctx, cfg, plan)
		report.Add(a)
		if err != nil {
			return report, err
		}
	}
}

// firstRound runs the run's first round: the --last-failed selection,
// this shard's groups or the --workers processes, or one go test of the
// packages. selected lists the groups it selected, by package (nil: all).
func firstRound(ctx context.Context, cfg Config) (a *grouping.Attempt, selected map[string][]string, err error) {
	if len(cfg.First) > 0 {
		a, err := runRound(ctx, cfg, grouping.PlanResult{Round: cfg.FirstAttempt, Reruns: cfg.First})
		return a, selection(cfg.First), err
	}
	if cfg.Workers < 2 && cfg.Groups == nil {
		a, err := plainFirst(ctx, cfg, cfg.Packages)
		return a, nil, err
	}
	if cfg.Groups == nil && len(cfg.GroupTimings) > 0 && !anyWorthSplitting(cfg.GroupTimings, cfg.Workers) {
		// Earlier runs say no package gains from workers: the run is the
		// run without them, not even listing the groups.
		a, err := plainFirst(ctx, cfg, cfg.Packages)
		return a, nil, err
	}
	list := cfg.Groups
	if list == nil {
		if list, err = ListGroups(ctx, cfg); err != nil {
			return nil, nil, err
		}
	}
	plan := grouping.PlanResult{Round: cfg.FirstAttempt, Reruns: DealWorkers(list, cfg.Workers, cfg.GroupTimings)}
	if cfg.Groups == nil {
		// Packages that are not split run in one go test, as without
		// --workers; when none is split, that is the whole round.
		var whole []string
		var split []grouping.Rerun
		for _, r := range plan.Reruns {
			if r.Worker > 0 {
				split = append(split, r)
			} else {
				whole = append(whole, r.Package)
			}
		}
		if len(split) == 0 {
			a, err := plainFirst(ctx, cfg, cfg.Packages)
			return a, nil, err
		}
		plan.Reruns = split
		a, err := runProcesses(ctx, cfg, plan, listOrder(list), (*round).runWorker,
			"not run: its worker's -run selected no test named ", whole)
		return a, selection(plan.Reruns), err
	}
	a, err = runProcesses(ctx, cfg, plan, listOrder(list), (*round).runWorker, "not run: its worker's -run selected no test named ", nil)
	return a, selection(plan.Reruns), err
}

// Read tracks a recorded stream. A package that runs again in the stream
// (gotestsum's --rerun-fails jsonfile, runs appended to one file) runs its
// next attempt, exactly as a live rerun would: any event of a package after
// its final pass or fail starts the package's next attempt. It fails when
// the input holds no go test -json event at all.
func Read(r io.Reader, name string, obs output.Observer, opts grouping.Options) (*grouping.Report, error) {
	st := &streamAttempts{opts: opts, pkgs: map[string]*pkgRoute{},
		workers: map[[2]int]*grouping.Tracker{}, running: map[string]int{}, workersEnded: map[string]map[int]bool{}}
	d := testjson.NewDecoder(r)
	if lr, ok := obs.(output.LineReader); ok && !lr.ReadsLines() {
		d.UnescapeInPlace()
	}
	// Reading and decoding run on a goroutine of their own, a batch of
	// events ahead of tracking and the outputs: two cores, two stages.
	batches, free := make(chan *eventBatch, 2), make(chan *eventBatch, 3)
	for range 3 {
		free <- &eventBatch{}
	}
	var firstBad string // written by the goroutine, read once batches is closed
	go decodeBatches(d, !isRegularFile(r), batches, free, &firstBad)
	done, _ := obs.(output.PackageDoner)
	for b := range batches {
		st.track(b, obs, done)
		free <- b
	}
	if dr, ok := obs.(output.Drainer); ok {
		dr.Drain()
	}
	report := &grouping.Report{}
	for n, tr := range st.trackers {
		report.Add(st.finish(n+1, tr))
	}
	if len(st.trackers) == 0 {
		report.Add(st.tracker(1).Finish())
	}
	return report, readError(d, name, firstBad)
}

// decodeBatches decodes the stream into batches, taking empty ones from
// free, until the stream ends; then it closes batches. firstBad is set to
// the first line that is not JSON. A live stream (a pipe, which may
// pause) hands over what it has before a read that may wait.
func decodeBatches(d *testjson.Decoder, live bool, batches chan<- *eventBatch, free <-chan *eventBatch, firstBad *string) {
	defer close(batches)
	next := func() *eventBatch {
		b := <-free
		// The batch's events are handled: the buffers retired while
		// it was filled can be read into again.
		d.Recycle(b.retired)
		b.reset()
		return b
	}
	b := next()
	for {
		if live && len(b.events) > 0 && !d.Ready() {
			// No whole line is buffered: hand over what there is
			// before a read that may wait (a live stream, such as
			// --raw-command's, shows each event as it comes). A
			// file's reads do not wait: its batches stay full.
			b.retired = d.AppendRetired(b.retired)
			batches <- b
			b = next()
		}
		b.events = append(b.events, testjson.Event{})
		ev := &b.events[len(b.events)-1]
		if !d.ScanInto(ev) {
			b.events = b.events[:len(b.events)-1]
			break
		}
		if ev.NotJSON && *firstBad == "" {
			*firstBad = fmt.Sprintf("line %d: %.60q", d.LineNumber(), strings.TrimSuffix(ev.Output, "\n"))
		}
		b.lines = append(b.lines, d.Line())
		if len(b.events) == cap(b.events) {
			b.retired = d.AppendRetired(b.retired)
			batches <- b
			b = next()
		}
	}
	batches <- b
}

// track hands a batch's events to their attempts' trackers and to the
// observer, and tells done (if any) when a package of the stream ended.
func (st *streamAttempts) track(b *eventBatch, obs output.Observer, done output.PackageDoner) {
	for i := range b.events {
		ev := &b.events[i]
		tr, attempt := st.route(ev)
		tr.Add(ev)
		var pkg *grouping.Package
		if !ev.NotJSON {
			pkg = tr.Package(ev.Package)
		}
		if ev.Worker > 0 && pkg != nil {
			// A part of a package that --workers split: the observer
			// gets the package once, joined, when its last running
			// part ends; it is written out at the end.
			pkg = st.workerEvent(attempt, ev, pkg)
			obs.Event(attempt, ev, b.line(i), pkg)
			continue
		}
		obs.Event(attempt, ev, b.line(i), pkg)
		if pkg != nil && ev.Test == "" && ev.Action.IsTerminal() {
			st.route1(ev.Package).ended = true
			st.lastOK = false
			// gorerun's own --jsonfile may hold another process of
			// the same attempt (a crash resumed): its packages are
			// written at the end.
			if done != nil && ev.Attempt == 0 {
				done.PackageDone(pkg)
			}
		}
	}
}

// readError is what went wrong with a stream read to its end, if anything.
func readError(d *testjson.Decoder, name, firstBad string) error {
	if err := d.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if d.Events() == 0 {
		if d.LineNumber() == 0 {
			return fmt.Errorf("%s: empty input: record it with go test -json", name)
		}
		return fmt.Errorf("%s: not a go test -json stream (%s): record it with go test -json", name, firstBad)
	}
	if d.Truncated() {
		return fmt.Errorf("%s: line %d: stream ends in a truncated event: %w", name, d.LineNumber(), ErrTruncated)
	}
	return nil
}

// eventBatch carries decoded events and their lines from the reading
// goroutine to the tracking one. The lines are the decoder's: it never
// writes over them.
type eventBatch struct {
	events  []testjson.Event
	lines   [][]byte
	retired [][]byte // the decoder's buffers, to recycle once the events are handled
}

const batchSize = 1024

func (b *eventBatch) reset() {
	if b.events == nil {
		b.events = make([]testjson.Event, 0, batchSize)
		b.lines = make([][]byte, 0, batchSize)
	}
	// The events are not cleared here: each is zeroed as it is appended,
	// in cache, just before it is decoded into; clearing 1,024 of them
	// again (220 KB a batch, with write barriers while the collector
	// marks) cost 5% of the CPU of reading. What their strings keep alive
	// (the decoder's buffers, recycled anyway) lasts until the batch is
	// filled again.
	clear(b.lines)
	clear(b.retired)
	b.events, b.lines, b.retired = b.events[:0], b.lines[:0], b.retired[:0]
}

func (b *eventBatch) line(i int) []byte { return b.lines[i] }

// streamAttempts routes the events of a recorded stream to one tracker per
// attempt.
type streamAttempts struct {
	opts     grouping.Options
	trackers []*grouping.Tracker
	pkgs     map[string]*pkgRoute // where each package's events go
	last     int                  // the attempt of the previous event
	// lastPkg is the package of the previous untagged event, in attempt
	// lastAttempt; lastOK is cleared when a package ends.
	lastPkg     string
	lastAttempt int
	lastOK      bool
	base        int // the first "Attempt" tag of a --jsonfile stream

	workers      map[[2]int]*grouping.Tracker // by attempt and worker
	workerOrder  [][2]int
	running      map[string]int          // worker parts of a package running, by attempt and package
	workersEnded map[string]map[int]bool // the workers whose part has ended, by attempt and package
}

// trackerFor returns the tracker of attempt n's worker w (0: the
// packages that ran in one process).
func (s *streamAttempts) trackerFor(n, w int) *grouping.Tracker {
	main := s.tracker(n)
	if w == 0 {
		return main
	}
	key := [2]int{n, w}
	tr := s.workers[key]
	if tr == nil {
		opts := s.opts
		opts.Attempt, opts.Worker = n, w
		tr = grouping.NewTracker(opts)
		s.workers[key] = tr
		s.workerOrder = append(s.workerOrder, key)
	}
	return tr
}

// workerEvent follows which worker parts of a package are running and
// returns what the observer gets with ev: the part for a test's event, nil
// for a part's end while other parts run, else the joined package.
func (s *streamAttempts) workerEvent(n int, ev *testjson.Event, part *grouping.Package) *grouping.Package {
	if ev.Test != "" {
		return part
	}
	key := strconv.Itoa(n) + "\x00" + ev.Package
	switch {
	case ev.Action == testjson.ActionStart:
		s.running[key]++
		return part
	case !ev.Action.IsTerminal():
		return part
	}
	s.running[key]--
	if s.workersEnded[key] == nil {
		s.workersEnded[key] = map[int]bool{}
	}
	s.workersEnded[key][ev.Worker] = true
	if s.running[key] > 0 || len(s.workersEnded[key]) < ev.Workers {
		return nil // other workers of the package run, or will
	}
	parts := []*grouping.Package{}
	if p := s.tracker(n).Package(ev.Package); p != nil {
		parts = append(parts, p)
	}
	for _, k := range s.workerOrder {
		if k[0] == n {
			if p := s.workers[k].Package(ev.Package); p != nil {
				parts = append(parts, p)
			}
		}
	}
	return grouping.JoinPackages(nil, parts...)
}

// finish ends attempt n, joining its workers' parts.
func (s *streamAttempts) finish(n int, main *grouping.Tracker) *grouping.Attempt {
	parts := []*grouping.Attempt{main.Finish()}
	for _, k := range s.workerOrder {
		if k[0] == n {
			parts = append(parts, s.workers[k].Finish())
		}
	}
	return grouping.JoinAttempts(nil, parts...)
}

func (s *streamAttempts) tracker(n int) *grouping.Tracker {
	for len(s.trackers) < n {
		opts := s.opts
		opts.Attempt = len(s.trackers) + 1
		s.trackers = append(s.trackers, grouping.NewTracker(opts))
	}
	return s.trackers[n-1]
}

// route returns the tracker of the attempt an event belongs to.
func (s *streamAttempts) route(ev *testjson.Event) (*grouping.Tracker, int) {
	if ev.NotJSON {
		return s.tracker(max(s.last, 1)), max(s.last, 1)
	}
	if ev.Attempt > 0 {
		// gorerun's own --jsonfile says which attempt (and worker) ran
		// the event: several processes of one attempt (workers, a crash
		// resumed) stay one attempt. Numbers count from the stream's
		// first attempt (a --last-failed run's starts above 1).
		if s.base == 0 {
			s.base = ev.Attempt
		}
		n := max(ev.Attempt-s.base+1, 1)
		s.last = n
		return s.trackerFor(n, ev.Worker), n
	}
	if ev.Action == testjson.ActionBuildOutput || ev.Action == testjson.ActionBuildFail {
		// Build output precedes the package's own events: it goes to the
		// attempt the package's next event will start.
		pr := s.route1(ev.BuildPackage())
		n := max(pr.attempt, 1)
		if pr.ended {
			n++
		}
		return s.tracker(n), n
	}
	pkg := ev.Package
	if s.lastOK && pkg == s.lastPkg {
		// the package of the previous such event, still in its attempt
		s.last = s.lastAttempt
		return s.tracker(s.last), s.last
	}
	pr := s.route1(pkg)
	n := max(pr.attempt, 1)
	if pr.ended {
		n++ // the package runs again: its next attempt
		pr.ended = false
	}
	pr.attempt, s.last = n, n
	s.lastPkg, s.lastAttempt, s.lastOK = pkg, n, true
	return s.tracker(n), n
}

// isRegularFile reports whether r is a regular file, whose reads return
// at once (a pipe's wait for the writer).
func isRegularFile(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular()
}

// pkgRoute is where a package's events go: the attempt it is in, and
// whether that attempt has ended.
type pkgRoute struct {
	attempt int
	ended   bool
}

// route1 returns the package's route, made on first use: one lookup
// where two maps took three (events of interleaved packages switch
// often).
func (s *streamAttempts) route1(pkg string) *pkgRoute {
	pr := s.pkgs[pkg]
	if pr == nil {
		pr = &pkgRoute{}
		s.pkgs[pkg] = pr
	}
	return pr
}

// ErrTruncated marks input whose last event was cut off; the report is
// still complete up to it.
var ErrTruncated = errors.New("truncated")

func withDefaults(cfg Config) Config {
	if cfg.Go == "" {
		cfg.Go = "go"
	}
	if len(cfg.Packages) == 0 {
		cfg.Packages = []string{"./..."}
	}
	if cfg.Env == nil {
		cfg.Env = os.Environ()
	}
	if cfg.FirstAttempt < 1 {
		cfg.FirstAttempt = 1
	}
	if cfg.Parallel < 1 {
		cfg.Parallel = 1
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return cfg
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rerunArgs builds the go test arguments of one rerun process.
func rerunArgs(cfg Config, r grouping.Rerun) []string {
	flags := rerunFlags(cfg, r)
	var extra []string
	if len(flags) > 0 && strings.HasPrefix(flags[0], "-count") {
		extra, flags = append(extra, flags[0]), flags[1:]
	}
	extra = append(extra, "-p", strconv.Itoa(cfg.Parallel))
	return goTestArgs(cfg.Flags, append(extra, flags...), r.Package)
}

// rerunFlags are the test flags of a rerun process, after the user's:
// -count=1 (no cached result is replayed), the groups to run (-run) and,
// after a crash, those to skip (-skip).
func rerunFlags(cfg Config, r grouping.Rerun) []string {
	var args []string
	if _, ok := GoFlag(cfg.Flags, "count"); !ok {
		args = append(args, "-count=1")
	}
	if len(r.Run) > 0 {
		args = append(args, "-run", grouping.Pattern(r.Run))
	}
	if cfg.SameShuffle && r.Shuffle != "" {
		args = append(args, "-shuffle="+r.Shuffle)
	}
	if len(r.Skip) > 0 {
		skip := grouping.Pattern(r.Skip)
		if user, ok := GoFlag(cfg.Flags, "skip"); ok && user != "" && !strings.Contains(user, "/") {
			skip = "(?:" + user + ")|" + skip
		}
		args = append(args, "-skip", skip)
	}
	return args
}

// sequence is the processes of one package (and worker) in a round: they
// run one after another, so that a tracker follows one process of a
// package at a time.
type sequence struct {
	pkg    string
	worker int
	rd     *round
	runs   []grouping.Rerun
}

// sequences groups a round's processes by package and worker, in the
// order of the plan, tells each tracker which groups its processes were
// asked to run, and returns how many sequences may run at once.
func (rd *round) sequences(cfg Config, reruns []grouping.Rerun, notSelected string) ([]*sequence, int) {
	type key struct {
		pkg    string
		worker int
	}
	var seqs []*sequence
	index := map[key]*sequence{}
	limit := cfg.Parallel
	for _, r := range reruns {
		k := key{r.Package, r.Worker}
		s := index[k]
		if s == nil {
			s = &sequence{pkg: r.Package, worker: r.Worker, rd: rd}
			if r.Worker > 0 {
				s.rd = rd.workerRound(r.Package, r.Worker)
				limit = max(limit, cfg.Workers)
			}
			index[k] = s
			seqs = append(seqs, s)
		}
		s.runs = append(s.runs, r)
		rd.mu.Lock()
		for _, g := range r.Run {
			s.rd.tracker.Expect(r.Package, []string{g}, notSelected+g)
		}
		rd.mu.Unlock()
	}
	return seqs, limit
}

// goTestArgs builds go test's arguments: -json, the user's flags, gorerun's
// own (extra), the packages, then what the user gave the test binary after
// -args.
func goTestArgs(flags, extra []string, pkgs ...string) []string {
	own, _ := testbin.SplitArgs(flags)
	args := append([]string{"test", "-json"}, own...)
	args = append(args, extra...)
	args = append(args, pkgs...)
	return append(args, flags[len(own):]...) // -args and what follows, as written
}

func runRound(ctx context.Context, cfg Config, plan grouping.PlanResult) (*grouping.Attempt, error) {
	return runProcesses(ctx, cfg, plan, nil, (*round).rerun, "not run: the rerun selected no test named ", nil)
}

// runProcesses runs the processes of one round. The processes of one
// package (and worker) run one after another, so that a tracker follows
// one process of a package at a time; the workers of a package run at
// once, each with a tracker of its own, joined at the end.
// Workers' groups are joined in the order rank gives (package → group →
// place), else in the order of the plan.
//
// whole are packages that run alongside in one go test process of the
// round's own, as without --workers. In a first round of workers (not a
// shard's groups, whose packages cannot run whole) the workers' binaries
// are built first (see prebuild).
func runProcesses(ctx context.Context, cfg Config, plan grouping.PlanResult, rank map[string]map[string]int,
	run func(*round, context.Context, grouping.Rerun) error, notSelected string, whole []string) (*grouping.Attempt, error) {
	rd := newRound(cfg, plan.Round)
	var wg sync.WaitGroup
	var wholeMu sync.Mutex
	var wholeErrs []error
	if len(whole) > 0 {
		wg.Go(func() {
			err := execKeeping(ctx, cfg, whole, rd)
			if err == nil {
				err = rd.resumeCrashed(ctx)
			}
			wholeMu.Lock()
			wholeErrs = append(wholeErrs, err)
			wholeMu.Unlock()
		})
	}
	if cfg.Binaries != nil && cfg.Groups == nil && hasWorkers(plan.Reruns) {
		// The workers' binaries build while the packages not split run.
		var failed []string
		cfg.Binaries.Prefetch(ctx)
		plan.Reruns, failed = prebuild(ctx, cfg, plan.Reruns)
		if len(failed) > 0 {
			wg.Go(func() {
				err := rd.exec(ctx, goTestArgs(cfg.Flags, nil, failed...))
				wholeMu.Lock()
				wholeErrs = append(wholeErrs, err)
				wholeMu.Unlock()
			})
		}
	}
	rd.join = newJoiner(plan.Reruns, rank)
	seqs, limit := rd.sequences(cfg, plan.Reruns, notSelected)
	sem := make(chan struct{}, limit)
	errs := make([]error, len(seqs))
	for i, s := range seqs {
		// Processes start in plan order: the slot is taken before the
		// goroutine starts.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = fmt.Errorf("%w", ErrInterrupted)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if s.worker > 0 {
				rd.mu.Lock()
				rd.join.unstarted[s.pkg]--
				rd.mu.Unlock()
			}
			for _, r := range s.runs {
				if errs[i] = run(s.rd, ctx, r); errs[i] != nil {
					return
				}
				if errs[i] = s.rd.resume(ctx, r); errs[i] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if interruption(ctx) {
		// Groups whose process never started, or never reached them,
		// were interrupted: their -run did not miss them.
		rd.interrupt()
		for _, s := range seqs {
			s.rd.interrupt()
		}
	}
	return rd.finishWorkers(rd.finish()), errors.Join(append(errs, wholeErrs...)...)
}

// hasWorkers reports whether reruns has a --workers process.
func hasWorkers(reruns []grouping.Rerun) bool {
	for _, r := range reruns {
		if r.Worker > 0 {
			return true
		}
	}
	return false
}

// resumeCrashed resumes every package of the first round whose test binary
// crashed.
func (rd *round) resumeCrashed(ctx context.Context) error {
	rd.mu.Lock()
	var crashed []string
	for _, p := range rd.tracker.Packages() {
		if p.Crashed() && p.Status == grouping.PackageFail {
			crashed = append(crashed, p.ImportPath)
		}
	}
	rd.mu.Unlock()
	for _, pkg := range crashed {
		if err := rd.resume(ctx, grouping.Rerun{Package: pkg}); err != nil {
			return err
		}
	}
	return nil
}

// resume runs, in processes of the same attempt, the groups of sel that
// never started because a crash took the test binary down, until every
// group has started: one more process per crash, and none once a process
// starts no new group. Groups it cannot run are recorded as not run.
func (rd *round) resume(ctx context.Context, sel grouping.Rerun) error {
	for {
		rd.mu.Lock()
		p := rd.tracker.Package(sel.Package)
		if p == nil || !p.Crashed() || p.Status != grouping.PackageFail {
			rd.mu.Unlock()
			return nil
		}
		var seen, crashed []string
		for _, g := range p.Groups {
			if g.Top().Status == grouping.NotRun {
				continue // expected by the rerun, not started yet
			}
			seen = append(seen, g.Name)
			if g.Status() == grouping.Error {
				crashed = append(crashed, g.Name)
			}
		}
		started := len(seen)
		rd.mu.Unlock()
		next := grouping.Rerun{Package: sel.Package}
		var names []string // the groups that never started
		if len(sel.Run) > 0 {
			next.Run = without(sel.Run, seen)
			names = next.Run
		} else {
			var err error
			if names, err = neverStarted(ctx, rd.cfg, sel.Package, seen); err != nil {
				return nil // the package already fails; it is rerun whole
			}
			next.Skip = append(append([]string(nil), sel.Skip...), seen...)
		}
		if len(names) == 0 {
			return nil
		}
		rd.cfg.Observer.Resumed(sel.Package, crashed, len(names))
		if err := rd.rerun(ctx, next); err != nil {
			return err
		}
		rd.mu.Lock()
		progress := 0
		for _, g := range p.Groups {
			if g.Top().Status != grouping.NotRun {
				progress++
			}
		}
		rd.mu.Unlock()
		if progress == started {
			// Nothing new started: stop resuming, and say what never ran.
			rd.mu.Lock()
			p.AddNotRun(names, "not run: test binary exited before this test started")
			rd.mu.Unlock()
			return nil
		}
		sel = next
	}
}

func without(names, drop []string) []string {
	skip := map[string]bool{}
	for _, d := range drop {
		skip[d] = true
	}
	var out []string
	for _, n := range names {
		if !skip[n] {
			out = append(out, n)
		}
	}
	return out
}

// round is one attempt: a tracker fed by one or more processes.
type round struct {
	cfg     Config
	attempt int
	mu      *sync.Mutex // serializes trackers and observer calls; shared with workers
	tracker *grouping.Tracker
	worker  int     // the --workers process sequence this round follows (0: none)
	pkg     string  // with worker: the package its processes run
	join    *joiner // the round's workers
	// interruptedAt is when the run's interruption reached the round
	// (zero: it did not); guarded by mu.
	interruptedAt time.Time
}

func newRound(cfg Config, attempt int) *round {
	opts := cfg.Tracker
	opts.Attempt = attempt
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &round{cfg: cfg, attempt: attempt, mu: &sync.Mutex{}, tracker: grouping.NewTracker(opts)}
}

// watchInterrupt marks the round's tracker interrupted the moment ctx is
// cancelled by an interruption, so that the packages it stops end as
// interrupted, not crashed (see grouping.Tracker.Interrupt).
func (rd *round) watchInterrupt(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		if interruption(ctx) {
			rd.interrupt()
		}
	})
}

// interrupt tells the tracker the run was interrupted: at the moment the
// interruption first reached the round.
func (rd *round) interrupt() {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.interruptedAt.IsZero() {
		rd.interruptedAt = time.Now()
	}
	rd.tracker.Interrupt(rd.interruptedAt)
}

// interruption reports whether ctx was cancelled to interrupt the run (a
// signal): a cancellation with a cause of its own (--max-fails) stops the
// run without interrupting it.
func interruption(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled)
}

func (rd *round) finish() *grouping.Attempt {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	return rd.tracker.Finish()
}

// exec runs one go test process and feeds its stream to the round.
func (rd *round) exec(ctx context.Context, args []string) error {
	return rd.execHeld(ctx, args, nil)
}

// execHeld is exec with the process's stderr held in gate, if set, until
// its first event (see execKeeping).
func (rd *round) execHeld(ctx context.Context, args []string, gate *gateWriter) error {
	if rd.cfg.cover != nil {
		args = coverage.Rewrite(args, rd.cfg.cover.Next())
	}
	p := proc.Command(ctx, rd.cfg.Guard, rd.cfg.Go, args...)
	p.Cmd.Dir = rd.cfg.Dir
	p.Cmd.Env = rd.env()
	var stderr bytes.Buffer
	var out io.Writer = rd.cfg.Stderr
	if gate != nil {
		out = gate
	}
	p.Cmd.Stderr = io.MultiWriter(out, &limitedBuffer{buf: &stderr, max: 4096})
	stdout, err := p.Cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("go test: %w", err)
	}
	return rd.stream(ctx, p, stdout, &stderr, gate, rd.cfg.Go, rd.cfg.Dir, args)
}

// env is the environment of the round's processes: GORERUN_ATTEMPT tells
// a test its attempt.
func (rd *round) env() []string {
	return append(append([]string(nil), rd.cfg.Env...), AttemptEnv+"="+strconv.Itoa(rd.attempt))
}

// process is what a round runs: go test, or a kept test binary with
// test2json.
type process interface {
	Start() error
	Wait() error
}

// stream starts p, which prints a go test -json stream on stdout, and
// feeds the stream to the round until p ends. label, dir and args say
// what it is (--debug, errors).
//
// gate, if set, holds the process's stderr until its first event.
func (rd *round) stream(ctx context.Context, p process, stdout io.Reader, stderr *bytes.Buffer, gate *gateWriter, label, dir string, args []string) error {
	defer debugCommand(rd.cfg.Debug, label, dir, args)()
	stopWatching := rd.watchInterrupt(ctx)
	defer stopWatching()
	if err := p.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%s not found on PATH: install Go or set PATH: %w", label, err)
		}
		return fmt.Errorf("starting %s: %w", filepath.Base(label), err)
	}
	// A worker's process runs one package: until it ends, the package's
	// other workers' ends are not the package's end.
	ended := rd.worker == 0
	if !ended {
		rd.mu.Lock()
		rd.join.active[rd.pkg]++
		rd.mu.Unlock()
		defer func() {
			if !ended {
				rd.mu.Lock()
				rd.join.active[rd.pkg]--
				rd.mu.Unlock()
			}
		}()
	}
	d := testjson.NewDecoder(stdout)
	for d.Scan() {
		if gate != nil && d.Events() == 1 {
			gate.open()
		}
		rd.handle(d.Event(), d.Line(), &ended)
		d.Reuse()
	}
	readErr := d.Err()
	waitErr := p.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("%w", ErrInterrupted)
	}
	if readErr != nil {
		return fmt.Errorf("reading go test output: %w", readErr)
	}
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		return fmt.Errorf("go test: %w", waitErr)
	}
	if waitErr != nil && d.Events() == 0 {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = waitErr.Error()
		}
		return &GoTestError{Args: args, Msg: firstLine(msg)}
	}
	return nil
}

// handle feeds one event of the round's processes to its tracker and the
// observer. ended is whether a worker's process has seen its package end.
func (rd *round) handle(ev *testjson.Event, line []byte, ended *bool) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	rd.tracker.Add(ev)
	pkg := rd.tracker.Package(ev.Package)
	if rd.worker > 0 {
		ev.Worker = rd.worker
		if ev.Test == "" && (ev.Action == testjson.ActionStart || ev.Action.IsTerminal()) {
			ev.Workers = rd.join.workers[rd.pkg]
		}
		if pkg != nil && ev.Test == "" && ev.Action.IsTerminal() && !*ended {
			*ended = true
			pkg = rd.join.ended(pkg)
		}
	}
	rd.cfg.Observer.Event(rd.attempt, ev, line, pkg)
}

// debugCommand logs a go command as it starts; the function it returns
// logs how long it took.
func debugCommand(w io.Writer, command, dir string, args []string) func() {
	if w == nil {
		return func() {}
	}
	start := time.Now()
	where := ""
	if dir != "" {
		where = " (in " + dir + ")"
	}
	fmt.Fprintf(w, "gorerun: debug: %s %s%s\n", command, strings.Join(args, " "), where)
	return func() {
		fmt.Fprintf(w, "gorerun: debug: %s %s: took %s\n", command, firstWords(args, 2), time.Since(start).Round(time.Millisecond))
	}
}

func firstWords(args []string, n int) string {
	return strings.Join(args[:min(n, len(args))], " ")
}

// GoTestError is go test failing before it ran anything: bad flags, bad
// package patterns, no module.
type GoTestError struct {
	Args []string
	Msg  string
}

func (e *GoTestError) Error() string {
	return "go test failed before running tests: " + e.Msg
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// selection returns the groups a round's processes select, by package; a
// package that one of them runs whole is absent (everything is selected).
func selection(reruns []grouping.Rerun) map[string][]string {
	sel := map[string][]string{}
	whole := map[string]bool{}
	for _, r := range reruns {
		if len(r.Run) == 0 {
			whole[r.Package] = true
		}
		sel[r.Package] = append(sel[r.Package], r.Run...)
	}
	for pkg := range whole {
		delete(sel, pkg)
	}
	return sel
}

// listNeverStarted names the tests that never started because their
// package's test binary crashed in its last attempt, using go test -list, and
// records them as not run. Where the run selected groups (selected, by
// package), only those can be missing.
func listNeverStarted(ctx context.Context, cfg Config, report *grouping.Report, selected map[string][]string) error {
	for _, ph := range report.Packages() {
		final := ph.Final()
		if !final.Crashed() || final.Status == grouping.PackageIncomplete || ph.Final().Status == grouping.PackageBuildFailed {
			continue
		}
		var seen []string
		for _, h := range ph.Groups {
			seen = append(seen, h.Name)
		}
		if groups, ok := selected[ph.ImportPath]; ok {
			final.AddNotRun(without(groups, seen), "not run: test binary exited before this test started")
			continue
		}
		names, err := neverStarted(ctx, cfg, ph.ImportPath, seen)
		if err != nil {
			continue // the listing is best effort: the package already fails
		}
		final.AddNotRun(names, "not run: test binary exited before this test started")
	}
	return nil
}

// neverStarted lists the top-level tests of pkg that go test would run
// (with the user's -run) and that are not among seen.
func neverStarted(ctx context.Context, cfg Config, pkg string, seen []string) ([]string, error) {
	pattern := "."
	if run, ok := GoFlag(cfg.Flags, "run"); ok && run != "" && !strings.Contains(run, "/") {
		pattern = run
	}
	out, err := goQuery(ctx, cfg, append(withTags(cfg, "test", "-list", pattern), pkg)...)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, s := range seen {
		known[s] = true
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if (strings.HasPrefix(line, "Test") || strings.HasPrefix(line, "Example") || strings.HasPrefix(line, "Fuzz")) && !known[line] {
			names = append(names, line)
		}
	}
	return names, nil
}

// goQuery runs a go command that only reports (list, env) and returns its
// trimmed output; its error carries the first line go wrote to stderr.
func goQuery(ctx context.Context, cfg Config, args ...string) (string, error) {
	out, err := goOutput(ctx, cfg, args...)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// goOutput runs a go command and returns what it wrote to stdout, also
// when it fails; its error carries the first line go wrote to stderr.
func goOutput(ctx context.Context, cfg Config, args ...string) (string, error) {
	cfg = withDefaults(cfg)
	cmd := exec.CommandContext(ctx, cfg.Go, args...)
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	defer debugCommand(cfg.Debug, cfg.Go, cfg.Dir, args)()
	out, err := cmd.Output()
	if err != nil {
		if msg := firstLine(strings.TrimSpace(stderr.String())); msg != "" {
			return string(out), errors.New(msg)
		}
		return string(out), err
	}
	return string(out), nil
}

// withTags returns the go command's arguments with the user's -tags added,
// so that queries see the packages and tests go test sees.
func withTags(cfg Config, args ...string) []string {
	if tags, ok := GoFlag(cfg.Flags, "tags"); ok {
		args = append(args, "-tags", tags)
	}
	return args
}

// ListPackages returns the import paths the package patterns match, as go
// list sees them (with the user's -tags).
func ListPackages(ctx context.Context, cfg Config) ([]string, error) {
	cfg = withDefaults(cfg)
	out, err := goQuery(ctx, cfg, append(withTags(cfg, "list", "-e", "-f", "{{.ImportPath}}"), cfg.Packages...)...)
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w", strings.Join(cfg.Packages, " "), err)
	}
	return strings.Fields(out), nil
}

// ModuleRoot returns the directory of the main module's go.mod, or "" when
// there is none.
func ModuleRoot(ctx context.Context, cfg Config) string { return GoEnv(ctx, cfg).ModuleRoot }

// GoVersion returns the version of the go command that runs the tests, or
// "" if it cannot be asked.
func GoVersion(ctx context.Context, cfg Config) string { return GoEnv(ctx, cfg).Version }

// Env is what a run asks the go command about its surroundings.
type Env struct {
	ModuleRoot string // the directory of the main module's go.mod; "" outside a module
	Version    string // the go command's version; "" if it cannot be asked
	// GoFlags is GOFLAGS as the go command sees it: the environment's,
	// else what go env -w set.
	GoFlags string
}

// GoEnv asks the go command for all three in one go env: each process
// costs tens of milliseconds before anything runs.
func GoEnv(ctx context.Context, cfg Config) Env {
	out, err := goOutput(ctx, cfg, "env", "GOMOD", "GOVERSION", "GOFLAGS") // one line each, GOMOD empty outside a module
	if err != nil {
		return Env{}
	}
	var lines [3]string
	copy(lines[:], strings.SplitN(out, "\n", 3))
	e := Env{Version: strings.TrimSpace(lines[1]), GoFlags: strings.TrimSpace(lines[2])}
	if gomod := strings.TrimSpace(lines[0]); gomod != "" && gomod != os.DevNull {
		e.ModuleRoot = filepath.Dir(gomod)
	}
	return e
}

// TestFiles returns a package's directory and its _test.go files (go
// list's TestGoFiles and XTestGoFiles).
func TestFiles(ctx context.Context, cfg Config, pkg string) (string, []string, error) {
	out, err := goQuery(ctx, cfg, append(withTags(cfg, "list", "-f", "{{.Dir}}\n{{join .TestGoFiles \" \"}} {{join .XTestGoFiles \" \"}}"), pkg)...)
	if err != nil {
		return "", nil, err
	}
	dir, files, _ := strings.Cut(out, "\n")
	return dir, strings.Fields(files), nil
}
