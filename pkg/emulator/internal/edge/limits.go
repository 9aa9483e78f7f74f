package edge

import "time"

// Limits are PlanetScale's query limits, which the edge enforces as vttablet does; a
// zero field takes the default, a negative one turns the limit off.
type Limits struct {
	// MaxRows bounds the rows a statement returns, updates or deletes.
	MaxRows int
	// DMLTimeout bounds a statement other than a read.
	DMLTimeout time.Duration
	// SelectTimeout bounds a read (SELECT, SHOW, …).
	SelectTimeout time.Duration
	// TxTimeout bounds a transaction: one open longer is rolled back.
	TxTimeout time.Duration
}

// The defaults of Limits: PlanetScale's "Query limits"
// (planetscale.com/docs/reference/planetscale-system-limits).
const (
	DefaultMaxRows       = 100_000
	DefaultDMLTimeout    = 30 * time.Second
	DefaultSelectTimeout = 900 * time.Second
	DefaultTxTimeout     = 20 * time.Second
)

// resolved is l with its zero fields set to the defaults and its negative
// ones to 0 (off).
func (l Limits) resolved() Limits {
	pick := func(v, def time.Duration) time.Duration {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	out := Limits{
		DMLTimeout:    pick(l.DMLTimeout, DefaultDMLTimeout),
		SelectTimeout: pick(l.SelectTimeout, DefaultSelectTimeout),
		TxTimeout:     pick(l.TxTimeout, DefaultTxTimeout),
		MaxRows:       l.MaxRows,
	}
	switch {
	case l.MaxRows == 0:
		out.MaxRows = DefaultMaxRows
	case l.MaxRows < 0:
		out.MaxRows = 0
	}
	return out
}
