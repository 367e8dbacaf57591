// Package pgtest starts a real PostgreSQL server for tests and load
// scripts: initdb and pg_ctl in a temporary directory, listening on a
// free port of 127.0.0.1 and on a socket in that directory, stopped and
// removed at the end. PostgreSQL refuses to run as root, so as root the
// server runs as the user nobody.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running PostgreSQL server.
type Server struct {
	dir, bin string
	port     int
	cred     *syscall.Credential // who the server runs as (nil: this user)
}

// ErrNoServer is returned by Start when no PostgreSQL server is installed.
var ErrNoServer = errors.New("no PostgreSQL server installed (initdb and pg_ctl; Debian: apt-get install postgresql)")

// binDir finds initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin,
// else the PATH.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	p, err := exec.LookPath("pg_ctl")
	if err != nil {
		return "", ErrNoServer
	}
	return filepath.Dir(p), nil
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start initialises a cluster in a new temporary directory and starts it,
// without fsync and synchronous commits: tests need no durability.
func Start() (*Server, error) { return start(false) }

// StartDurable is Start with PostgreSQL's durable defaults (fsync and
// synchronous commits), for load figures a real server would give.
func StartDurable() (*Server, error) { return start(true) }

func start(durable bool) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gorerun-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if s.cred, err = nobody(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := s.run("initdb", "-D", s.data(), "-U", "gorerun", "--auth=trust", "--no-sync", "-E", "UTF8"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if s.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=300", s.port, dir)
	if !durable {
		opts += " -c fsync=off -c synchronous_commit=off"
	}
	if err := s.run("pg_ctl", "-D", s.data(), "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return s, nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs one of the server's programs as the server's user.
func (s *Server) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

// nobody is the user a root test runs the server as.
func nobody() (*syscall.Credential, error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL refuses root, and there is no user nobody to run it as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() {
	_ = s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
	os.RemoveAll(s.dir)
}

// URL is the URL of database db on the server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://gorerun@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Port is the server's TCP port.
func (s *Server) Port() int { return s.port }

// CreateDB creates an empty database and returns its URL.
func (s *Server) CreateDB(name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return s.URL(name), nil
}

// Shared starts one server for a test binary, once: Get returns it to
// each test, skipping the test when no server is installed (and failing
// it in CI, where .ci/run installs one). Stop it from TestMain.
type Shared struct {
	once   sync.Once
	server *Server
	err    error
	n      atomic.Int64 // databases created
}

// Get returns the server, starting it on the first call.
func (sh *Shared) Get(t testing.TB) *Server {
	t.Helper()
	sh.once.Do(func() { sh.server, sh.err = Start() })
	if sh.err != nil {
		if errors.Is(sh.err, ErrNoServer) && os.Getenv("CI") == "" {
			t.Skipf("PostgreSQL tests skipped: %v", sh.err)
		}
		t.Fatalf("starting PostgreSQL: %v", sh.err)
	}
	return sh.server
}

// DB creates a database named after the test and returns its URL.
func (sh *Shared) DB(t testing.TB) string {
	t.Helper()
	s := sh.Get(t)
	name := fmt.Sprintf("t%d_%d_%d", time.Now().UnixNano(), os.Getpid(), sh.n.Add(1))
	url, err := s.CreateDB(name)
	if err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	return url
}

// Stop stops the server if one was started.
func (sh *Shared) Stop() {
	if sh.server != nil {
		sh.server.Stop()
	}
}
