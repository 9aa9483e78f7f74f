// Package reporteddiff is the record of what open-deploy-request reported
// about a deploy request, which wait-and-deploy checks the deploy against.
package reporteddiff

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/psflow/psflow/actions/internal/prose"
)

// Record is what open-deploy-request last reported about a deploy request:
// its number, its statements and its destructive changes, as digests.
type Record struct {
	Number      uint64
	Statements  []string // digests, in order
	Texts       []string // the first characters of each statement ("" when the record has none)
	Destructive []string // digests
}

// Record versions: v1 carries digests alone, v2 adds each statement's
// first characters. Records are written as v2; both are read.
const (
	reportedV1 = "v1"
	reportedV2 = "v2"
)

// shortLen bounds, in bytes, the text of a statement kept in a record and
// shown in a refusal.
const shortLen = 60

// New records statements and destructive reasons of deploy request n.
func New(n uint64, statements, destructive []string) Record {
	texts := make([]string, 0, len(statements))
	for _, st := range statements {
		texts = append(texts, Short(st))
	}
	return Record{Number: n, Statements: digests(statements), Texts: texts, Destructive: digests(destructive)}
}

// Short is a statement on one line, cut to its first characters with "…"
// when it is longer: how a record keeps it and a refusal names it.
func Short(st string) string {
	s := prose.OneLine(st)
	if len(s) <= shortLen {
		return s
	}
	cut := shortLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// String encodes the record as one line:
// "v2 dr=3 statements=<digest>~<text>,… destructive=<digest>,…" (text base64url).
func (r Record) String() string {
	entries := make([]string, 0, len(r.Statements))
	for i, d := range r.Statements {
		text := ""
		if i < len(r.Texts) {
			text = r.Texts[i]
		}
		entries = append(entries, d+"~"+base64.RawURLEncoding.EncodeToString([]byte(text)))
	}
	return fmt.Sprintf("%s dr=%d statements=%s destructive=%s",
		reportedV2, r.Number, strings.Join(entries, ","), strings.Join(r.Destructive, ","))
}

// Parse decodes what String encoded, and v1 records.
func Parse(s string) (Record, error) {
	fields := strings.Fields(s)
	if len(fields) != 4 || (fields[0] != reportedV1 && fields[0] != reportedV2) {
		return Record{}, fmt.Errorf("%q is not a record written by open-deploy-request (%s dr=<number> statements=… destructive=…)", s, reportedV2)
	}
	withTexts := fields[0] == reportedV2
	var r Record
	for i, key := range []string{"dr", "statements", "destructive"} {
		v, ok := strings.CutPrefix(fields[i+1], key+"=")
		if !ok {
			return Record{}, fmt.Errorf("record %q: want %s= in field %d", s, key, i+2)
		}
		var err error
		switch key {
		case "dr":
			n, perr := strconv.ParseUint(v, 10, 64)
			if perr != nil || n == 0 {
				return Record{}, fmt.Errorf("record %q: %q is not a deploy request number", s, v)
			}
			r.Number = n
		case "statements":
			r.Statements, r.Texts, err = parseStatements(v, withTexts)
		default:
			r.Destructive, err = parseDigests(v)
		}
		if err != nil {
			return Record{}, fmt.Errorf("record %q: %w", s, err)
		}
	}
	return r, nil
}

// Change is how a deploy request differs from what was reported about it.
type Change struct {
	New         []string // statements not reported
	Gone        []string // reported statements no longer in it, as the record keeps them
	Reordered   bool     // the same statements in another order
	Destructive []string // destructive changes not reported
}

// Changed reports whether anything differs.
func (c Change) Changed() bool {
	return len(c.New) > 0 || len(c.Gone) > 0 || c.Reordered || len(c.Destructive) > 0
}

// OnlyFewer reports whether the statements are some of those reported, in
// their order, and nothing else, with no new destructive change.
func (c Change) OnlyFewer() bool {
	return len(c.Gone) > 0 && len(c.New) == 0 && len(c.Destructive) == 0
}

// Compare says how statements and destructive reasons differ from r.
func (r Record) Compare(statements, destructive []string) Change {
	var c Change
	left := slices.Clone(r.Statements)
	texts := slices.Clone(r.Texts)
	for len(texts) < len(left) {
		texts = append(texts, "")
	}
	for _, st := range statements {
		if i := slices.Index(left, digest(st)); i >= 0 {
			left = slices.Delete(left, i, i+1)
			texts = slices.Delete(texts, i, i+1)
		} else {
			c.New = append(c.New, st)
		}
	}
	for i, d := range left {
		text := texts[i]
		if text == "" {
			text = "statement " + d[:12] // a v1 record keeps no text
		}
		c.Gone = append(c.Gone, text)
	}
	c.Reordered = len(c.New) == 0 && len(c.Gone) == 0 && !slices.Equal(r.Statements, digests(statements))
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

// parseStatements decodes the statements field: digests, each followed by
// "~" and its text in a v2 record.
func parseStatements(v string, withTexts bool) ([]string, []string, error) {
	if v == "" {
		return []string{}, []string{}, nil
	}
	var ds, texts []string
	for _, entry := range strings.Split(v, ",") {
		d, enc, found := strings.Cut(entry, "~")
		if found != withTexts {
			return nil, nil, fmt.Errorf("%q is not a statement entry of a %s record", entry, map[bool]string{true: reportedV2, false: reportedV1}[withTexts])
		}
		if err := checkDigest(d); err != nil {
			return nil, nil, err
		}
		text, err := base64.RawURLEncoding.DecodeString(enc)
		if err != nil || len(text) > shortLen+len("…") || !utf8.Valid(text) {
			return nil, nil, fmt.Errorf("%q is not the text of a statement", enc)
		}
		ds, texts = append(ds, d), append(texts, string(text))
	}
	return ds, texts, nil
}

func parseDigests(v string) ([]string, error) {
	if v == "" {
		return []string{}, nil
	}
	list := strings.Split(v, ",")
	for _, d := range list {
		if err := checkDigest(d); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func checkDigest(d string) error {
	if _, err := hex.DecodeString(d); err != nil || len(d) != digestLen {
		return fmt.Errorf("%q is not a statement digest", d)
	}
	return nil
}
