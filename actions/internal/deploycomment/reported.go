package deploycomment

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Reported is what open-deploy-request last reported about a deploy
// request: its number and a digest of each statement and of each reason it
// is destructive, so that wait-and-deploy can tell whether the request
// still deploys what the pull request showed. It travels as one line: the
// reported_diff output and input, a hidden line of the sticky comment on
// GitHub, and elsewhere a line of a review of the deploy request.
type Reported struct {
	Number      uint64
	Statements  []string // digests, in order
	Destructive []string // digests
}

// reportedVersion starts the encoded record.
const reportedVersion = "v1"

// NewReported records statements and destructive reasons of deploy request n.
func NewReported(n uint64, statements, destructive []string) Reported {
	return Reported{Number: n, Statements: digests(statements), Destructive: digests(destructive)}
}

// String encodes the record: "v1 dr=3 statements=<d>,<d> destructive=<d>".
func (r Reported) String() string {
	return fmt.Sprintf("%s dr=%d statements=%s destructive=%s",
		reportedVersion, r.Number, strings.Join(r.Statements, ","), strings.Join(r.Destructive, ","))
}

// ParseReported decodes what String encoded.
func ParseReported(s string) (Reported, error) {
	fields := strings.Fields(s)
	if len(fields) != 4 || fields[0] != reportedVersion {
		return Reported{}, fmt.Errorf("%q is not a record written by open-deploy-request (%s dr=<number> statements=… destructive=…)", s, reportedVersion)
	}
	var r Reported
	for i, key := range []string{"dr", "statements", "destructive"} {
		v, ok := strings.CutPrefix(fields[i+1], key+"=")
		if !ok {
			return Reported{}, fmt.Errorf("record %q: want %s= in field %d", s, key, i+2)
		}
		if key == "dr" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil || n == 0 {
				return Reported{}, fmt.Errorf("record %q: %q is not a deploy request number", s, v)
			}
			r.Number = n
			continue
		}
		list, err := parseDigests(v)
		if err != nil {
			return Reported{}, fmt.Errorf("record %q: %w", s, err)
		}
		if key == "statements" {
			r.Statements = list
		} else {
			r.Destructive = list
		}
	}
	return r, nil
}

// Change is how a deploy request differs from what was reported about it.
type Change struct {
	New         []string // statements not reported
	Gone        int      // reported statements no longer in it
	Reordered   bool     // the same statements in another order
	Destructive []string // destructive changes not reported
}

// Changed reports whether anything differs.
func (c Change) Changed() bool {
	return len(c.New) > 0 || c.Gone > 0 || c.Reordered || len(c.Destructive) > 0
}

// Compare says how statements and destructive reasons differ from r.
func (r Reported) Compare(statements, destructive []string) Change {
	var c Change
	left := slices.Clone(r.Statements)
	for _, st := range statements {
		if i := slices.Index(left, digest(st)); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			c.New = append(c.New, st)
		}
	}
	c.Gone = len(left)
	c.Reordered = len(c.New) == 0 && c.Gone == 0 && !slices.Equal(r.Statements, digests(statements))
	for _, d := range destructive {
		if !slices.Contains(r.Destructive, digest(d)) {
			c.Destructive = append(c.Destructive, d)
		}
	}
	return c
}

// digestLen is the hex length of a digest: 128 bits of SHA-256, enough
// that no statement can be made to pass for another.
const digestLen = 32

func digest(s string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(s)))
	return hex.EncodeToString(sum[:])[:digestLen]
}

func digests(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, digest(s))
	}
	return out
}

func parseDigests(v string) ([]string, error) {
	if v == "" {
		return []string{}, nil
	}
	list := strings.Split(v, ",")
	for _, d := range list {
		if _, err := hex.DecodeString(d); err != nil || len(d) != digestLen {
			return nil, fmt.Errorf("%q is not a statement digest", d)
		}
	}
	return list, nil
}
