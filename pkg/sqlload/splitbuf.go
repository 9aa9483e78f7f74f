package sqlload

import (
	"bytes"
	"errors"
	"io"
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
