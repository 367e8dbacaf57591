package history

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// ConnectTimeout bounds how long gorerun waits for a PostgreSQL server
// that does not answer (a URL's connect_timeout wins); OpTimeout bounds
// each operation once connected (a server gone mid-run). A history that
// cannot be reached costs a run at most these, then a warning.
const (
	ConnectTimeout = 5 * time.Second
	OpTimeout      = 30 * time.Second
)

// openPostgres connects to the PostgreSQL database at url (the usual PG*
// environment variables fill in what it leaves out, as libpq's do) with
// pgx's connection pool, and migrates it.
func openPostgres(url string) (*DB, error) {
	loc := Redact(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", loc, err)
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 {
		cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	}
	cfg.MaxConns = 4
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ConnConfig.ConnectTimeout+time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", loc, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("history %s: %w", loc, err)
	}
	h := &DB{db: stdlib.OpenDBFromPool(pool), loc: loc, pg: true, timeout: OpTimeout, close: pool.Close}
	if err := h.migrate(); err != nil {
		h.Close()
		return nil, fmt.Errorf("history %s: %w", loc, err)
	}
	return h, nil
}
