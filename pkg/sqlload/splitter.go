package sqlload

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// state is where the splitter is within a statement.
type state uint8

const (
	inCode     state = iota // plain SQL
	inExec                  // an executable comment /*! … */ or hint /*+ … */
	inSingle                // '…'
	inDouble                // "…"
	inBacktick              // `…`
	inBlock                 // /* … */
	inLine                  // -- … or # … up to the end of the line
)

var execStops = newByteSet("'\"`*")

// Next returns the next statement that is not empty or only comments; io.EOF after the last,
// a *SyntaxError when the script cannot be split, or the reader's error.
func (s *Splitter) Next() (Statement, error) {
	if s.err != nil {
		return Statement{}, s.err
	}
	st, err := s.next()
	if err != nil {
		s.err = err
		return Statement{}, err
	}
	st.Kind, st.Table = classify(st.Text)
	return st, nil
}

// next scans one statement.
func (s *Splitter) next() (Statement, error) {
	s.started = false
	st, open := inCode, inCode
	var stmtLine, openLine, execLine int // where the statement, the open quote or comment, the executable comment start
	for {
		if s.pos >= s.end && s.ensure(1) == 0 {
			if st == inExec {
				openLine = execLine
			}
			return s.atEOF(st, openLine, stmtLine)
		}
		if !s.started && st == inCode {
			done, err := s.leading()
			if err != nil {
				return Statement{}, err
			}
			if done {
				continue
			}
			s.started, s.mark, stmtLine = true, s.pos, s.lineAt()
		}
		switch st {
		case inCode, inExec:
			stops := s.codeStops
			if st == inExec {
				stops = execStops
			}
			i := stops.index(s.buf[s.pos:s.end])
			if i < 0 {
				s.pos = s.end
				continue
			}
			s.pos += i
			c := s.buf[s.pos]
			if st == inCode && c == s.delim[0] && s.hasPrefix(s.delim) {
				text := s.take()
				s.pos += len(s.delim)
				return Statement{Text: text, Line: stmtLine}, nil
			}
			next, n := s.enter(st, c)
			if next != st {
				open, openLine = st, s.lineAt()
				if next == inExec {
					execLine = openLine
				}
			}
			st = next
			s.pos += n
		case inSingle, inDouble:
			q := byte('\'')
			if st == inDouble {
				q = '"'
			}
			i := s.quoteStop(q)
			if i < 0 {
				s.pos = s.end
				continue
			}
			s.pos += i
			if s.buf[s.pos] == '\\' {
				n := min(2, s.ensure(2)) // ensure may move pos
				s.pos += n
				continue
			}
			if s.ensure(2) >= 2 && s.buf[s.pos+1] == q {
				s.pos += 2
				continue
			}
			s.pos++
			st = open
		case inBacktick:
			i := bytes.IndexByte(s.buf[s.pos:s.end], '`')
			if i < 0 {
				s.pos = s.end
				continue
			}
			s.pos += i
			if s.ensure(2) >= 2 && s.buf[s.pos+1] == '`' {
				s.pos += 2
				continue
			}
			s.pos++
			st = open
		case inBlock:
			if s.skipTo("*/") {
				st = inCode
			}
		case inLine:
			if s.skipTo("\n") {
				st = inCode
			}
		}
	}
}

// enter decides what the special byte c at pos starts, from state st
// (inCode or inExec), and returns the new state and how many bytes to move.
func (s *Splitter) enter(st state, c byte) (state, int) {
	switch c {
	case '\'':
		return inSingle, 1
	case '"':
		return inDouble, 1
	case '`':
		return inBacktick, 1
	case '*':
		if st == inExec && s.hasPrefix([]byte("*/")) {
			return inCode, 2
		}
	case '#':
		if st == inCode {
			return inLine, 1
		}
	case '-':
		if st == inCode && s.dashComment() {
			return inLine, 2
		}
	case '/':
		if st != inCode || !s.hasPrefix([]byte("/*")) {
			break
		}
		if n := execMarker(s.peek(4)); n > 0 {
			return inExec, n
		}
		return inBlock, 2
	}
	return st, 1
}

// leading handles blanks, comments, empty statements and DELIMITER commands before a statement;
// it returns true when it consumed something and should run again, false at the first byte.
func (s *Splitter) leading() (bool, error) {
	s.ensure(lookahead)
	c := s.buf[s.pos]
	switch {
	case isSpace(c):
		s.pos++
	case c == s.delim[0] && s.hasPrefix(s.delim):
		s.pos += len(s.delim)
	case c == '#' || c == '-' && s.dashComment():
		s.skipLine()
	case c == '-' && s.hasPrefix(append([]byte("--"), s.delim...)):
		// "--" alone before the delimiter is no comment in the script, but
		// sent on its own it is one, and the server finds the query empty.
		s.pos += 2
	case c == '/' && s.hasPrefix([]byte("/*")) && (execMarker(s.peek(4)) == 0 || s.clientCommand()):
		line := s.lineAt()
		s.pos += 2
		for !s.skipTo("*/") {
			if s.ensure(1) == 0 {
				return false, &SyntaxError{Line: line, Msg: "unterminated comment"}
			}
		}
	case (c == 'd' || c == 'D') && s.delimiterCommand():
		return true, s.readDelimiter()
	default:
		return false, nil
	}
	return true, nil
}

// clientCommand reports whether the executable comment at pos holds a mysql client command,
// like mariadb-dump's first line "/*M!999999\- enable the sandbox mode */".
func (s *Splitter) clientCommand() bool {
	p := s.peek(lookahead)
	i := execMarker(p)
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	return i < len(p) && p[i] == '\\'
}

// delimiterCommand reports whether a DELIMITER command starts at pos.
func (s *Splitter) delimiterCommand() bool {
	p := s.peek(10)
	return len(p) == 10 && strings.EqualFold(string(p[:9]), "delimiter") && (p[9] == ' ' || p[9] == '\t')
}

// readDelimiter reads "DELIMITER x" up to the end of its line.
func (s *Splitter) readDelimiter() error {
	line := s.lineAt()
	s.pos += len("delimiter")
	for s.ensure(1) > 0 && (s.buf[s.pos] == ' ' || s.buf[s.pos] == '\t') {
		s.pos++
	}
	var d []byte
	for len(d) <= maxDelimiter && s.ensure(1) > 0 && !isSpace(s.buf[s.pos]) {
		d = append(d, s.buf[s.pos])
		s.pos++
	}
	switch {
	case len(d) == 0:
		return &SyntaxError{Line: line, Msg: "DELIMITER needs a delimiter"}
	case len(d) > maxDelimiter:
		return &SyntaxError{Line: line, Msg: fmt.Sprintf("delimiter longer than %d bytes", maxDelimiter)}
	case bytes.IndexByte(d, '\\') >= 0:
		return &SyntaxError{Line: line, Msg: "delimiter contains a backslash"}
	}
	s.setDelimiter(d)
	s.skipLine()
	return nil
}

// atEOF ends the script: the last statement when it has no delimiter, io.EOF when nothing is
// left, or an error for an open string or comment.
func (s *Splitter) atEOF(st state, openLine, stmtLine int) (Statement, error) {
	if s.rerr != nil {
		return Statement{}, fmt.Errorf("read sql: %w", s.rerr)
	}
	switch st {
	case inSingle, inDouble:
		return Statement{}, &SyntaxError{Line: openLine, Msg: "unterminated quoted string"}
	case inBacktick:
		return Statement{}, &SyntaxError{Line: openLine, Msg: "unterminated quoted identifier"}
	case inBlock, inExec:
		return Statement{}, &SyntaxError{Line: openLine, Msg: "unterminated comment"}
	}
	if !s.started {
		return Statement{}, io.EOF
	}
	if text := s.take(); text != "" {
		return Statement{Text: text, Line: stmtLine}, nil
	}
	return Statement{}, io.EOF
}

// take returns the statement's bytes up to pos without trailing blanks and
// starts a new one.
func (s *Splitter) take() string {
	var text string
	if s.text.Len() == 0 {
		text = string(bytes.TrimRight(s.buf[s.mark:s.pos], " \t\r\n\f\v"))
	} else {
		s.text.Write(s.buf[s.mark:s.pos])
		s.hint = s.text.Len() + s.text.Len()/8
		text = strings.TrimRight(s.text.String(), " \t\r\n\f\v")
		s.text = strings.Builder{}
	}
	s.started = false
	return text
}

// dashComment reports whether pos starts a "-- " comment.
func (s *Splitter) dashComment() bool {
	p := s.peek(3)
	return len(p) >= 2 && p[0] == '-' && p[1] == '-' && (len(p) == 2 || isSpaceCtl(p[2]))
}
