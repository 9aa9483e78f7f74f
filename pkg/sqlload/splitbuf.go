package sqlload

import (
	"bytes"
	"errors"
	"io"
	"strings"
)

// The Splitter's read buffer: bytes are read into buf and looked at from
// pos; when more are needed, the current statement's bytes are copied out
// and the unread ones moved to the front.

// quoteStop returns the offset from pos of the first quote q or backslash,
// or -1 when neither is buffered.
func (s *Splitter) quoteStop(q byte) int {
	if s.qch != q || s.qpos < s.pos {
		s.qch, s.qpos = q, s.end
		if i := bytes.IndexByte(s.buf[s.pos:s.end], q); i >= 0 {
			s.qpos = s.pos + i
		}
	}
	if j := bytes.IndexByte(s.buf[s.pos:s.qpos], '\\'); j >= 0 {
		return j
	}
	if s.qpos == s.end {
		return -1
	}
	return s.qpos - s.pos
}

// skipTo moves past the next sep and reports whether it found it; when not, it moves to the
// end of the buffer, keeping a possible partial match.
func (s *Splitter) skipTo(sep string) bool {
	i := bytes.Index(s.buf[s.pos:s.end], []byte(sep))
	if i >= 0 {
		s.pos += i + len(sep)
		return true
	}
	s.pos = max(s.pos, s.end-len(sep)+1)
	if s.ensure(len(sep)) < len(sep) { // the input ends here
		s.pos = s.end
	}
	return false
}

// skipLine moves past the end of the current line.
func (s *Splitter) skipLine() {
	for !s.skipTo("\n") && s.ensure(1) > 0 {
	}
}

// hasPrefix reports whether the bytes at pos start with p.
func (s *Splitter) hasPrefix(p []byte) bool { return bytes.HasPrefix(s.peek(len(p)), p) }

// peek returns up to n bytes at pos (fewer only at the end of the input).
func (s *Splitter) peek(n int) []byte {
	n = min(n, s.ensure(n))
	return s.buf[s.pos : s.pos+n]
}

// offset returns how many bytes of the script lie before pos: after Next,
// the bytes up to the end of the statement returned and its delimiter.
func (s *Splitter) offset() int64 { return s.base + int64(s.pos) }

// lineAt returns the line number at pos.
func (s *Splitter) lineAt() int {
	s.line += bytes.Count(s.buf[s.lineP:s.pos], []byte{'\n'})
	s.lineP = s.pos
	return s.line
}

// ensure makes at least n bytes available at pos unless the input ends
// first, and returns how many are available.
func (s *Splitter) ensure(n int) int {
	for s.end-s.pos < n && !s.eof {
		s.fill()
	}
	return s.end - s.pos
}

// fill moves the unread bytes to the front of the buffer, after saving the
// current statement's bytes, and reads more.
func (s *Splitter) fill() {
	s.lineAt()
	if s.started {
		if s.text.Len() == 0 {
			// Statements of a dump have similar sizes: one allocation
			// instead of doubling copies.
			s.text.Grow(max(s.hint, 2*len(s.buf)))
		}
		s.text.Write(s.buf[s.mark:s.pos])
	}
	s.base += int64(s.pos)
	n := copy(s.buf, s.buf[s.pos:s.end])
	s.pos, s.end, s.mark, s.lineP, s.qch = 0, n, 0, 0, 0
	for range emptyReads {
		m, err := s.r.Read(s.buf[s.end:])
		s.end += m
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.rerr = err
			}
			return
		}
		if m > 0 {
			return
		}
	}
	s.eof, s.rerr = true, io.ErrNoProgress
}

const (
	readSize = 64 << 10 // bytes read from the input at a time
	// lookahead is the most bytes a decision needs to see at once: the
	// longest delimiter, "DELIMITER " or "/*M!999999\".
	lookahead    = maxDelimiter + 1
	maxDelimiter = 16 // the mysql client's limit
	// emptyReads is how many empty reads in a row count as a stuck reader.
	emptyReads = 100
)

// Splitter cuts a SQL script into statements as it reads it. Memory stays
// bounded by the largest statement plus a 64 KiB read buffer.
type Splitter struct {
	r     io.Reader
	buf   []byte
	pos   int   // next byte to look at
	end   int   // end of the buffered bytes
	base  int64 // offset in the script of buf[0]
	eof   bool  // r has no more bytes
	rerr  error
	err   error // sticky error returned by Next
	line  int   // line number at linePos
	lineP int   // buffer index up to which lines are counted

	delim     []byte
	codeStops *byteSet

	started bool            // the current statement has begun
	mark    int             // start of the statement bytes not yet in text
	text    strings.Builder // statement bytes moved out of the buffer
	hint    int             // size of the last statement that outgrew the buffer

	// The next quote character qch at or after pos is at qpos (end when
	// none is buffered), so backslash escapes do not rescan a string.
	qpos int
	qch  byte
}

// NewSplitter returns a Splitter reading the script from r, with ";" as the
// delimiter.
func NewSplitter(r io.Reader) *Splitter { return newSplitter(r, readSize) }

// newSplitter returns a Splitter with a read buffer of size bytes, at least
// twice the lookahead.
func newSplitter(r io.Reader, size int) *Splitter {
	s := &Splitter{r: r, buf: make([]byte, max(size, 2*lookahead)), line: 1}
	s.setDelimiter([]byte{';'})
	return s
}

// byteSet marks the bytes a scan stops at.
type byteSet [256]bool

// index returns the index of the first byte of b in the set, or -1.
func (t *byteSet) index(b []byte) int {
	for i, c := range b {
		if t[c] {
			return i
		}
	}
	return -1
}

// newByteSet returns the set of the bytes in s.
func newByteSet(s string) *byteSet {
	var t byteSet
	for i := 0; i < len(s); i++ {
		t[s[i]] = true
	}
	return &t
}

// setDelimiter switches to a new delimiter.
func (s *Splitter) setDelimiter(d []byte) {
	s.delim = d
	s.codeStops = newByteSet("'\"`#-/" + string(d[:1]))
}
