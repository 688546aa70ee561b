package pdf

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
)

type tokKind int

const (
	tEOF tokKind = iota
	tInt
	tReal
	tName
	tString
	tKeyword
	tArrayOpen
	tArrayClose
	tDictOpen
	tDictClose
)

type token struct {
	kind tokKind
	i    int64
	f    float64
	s    string // name, keyword or string bytes
}

const (
	maxStringLen = 1 << 20
	maxDepth     = 64
)

// lexer tokenises PDF syntax from a buffered reader, tracking its absolute
// position so that stream data can be located.
type lexer struct {
	r    *bufio.Reader
	pos  int64
	back []token
	err  error
}

func newLexer(r io.Reader, pos int64) *lexer {
	return &lexer{r: bufio.NewReaderSize(r, 4096), pos: pos}
}

func (l *lexer) readByte() (byte, bool) {
	b, err := l.r.ReadByte()
	if err != nil {
		if err != io.EOF {
			l.err = err
		}
		return 0, false
	}
	l.pos++
	return b, true
}

func (l *lexer) unread() {
	if l.r.UnreadByte() == nil {
		l.pos--
	}
}

func isSpace(b byte) bool {
	switch b {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isDelim(b byte) bool {
	switch b {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) unreadToken(t token) { l.back = append(l.back, t) }

func (l *lexer) next() (token, error) {
	if n := len(l.back); n > 0 {
		t := l.back[n-1]
		l.back = l.back[:n-1]
		return t, nil
	}
	var b byte
	var ok bool
	for {
		if b, ok = l.readByte(); !ok {
			return token{kind: tEOF}, l.err
		}
		if isSpace(b) {
			continue
		}
		if b == '%' {
			for b != '\n' && b != '\r' {
				if b, ok = l.readByte(); !ok {
					return token{kind: tEOF}, l.err
				}
			}
			continue
		}
		break
	}
	switch b {
	case '[':
		return token{kind: tArrayOpen}, nil
	case ']':
		return token{kind: tArrayClose}, nil
	case '{', '}':
		return token{kind: tKeyword, s: string(b)}, nil
	case '/':
		return l.name()
	case '(':
		return l.literal()
	case '<':
		c, ok := l.readByte()
		if ok && c == '<' {
			return token{kind: tDictOpen}, nil
		}
		if ok {
			l.unread()
		}
		return l.hex()
	case '>':
		c, ok := l.readByte()
		if ok && c == '>' {
			return token{kind: tDictClose}, nil
		}
		return token{}, malformed("stray '>'")
	case ')':
		return token{}, malformed("stray ')'")
	}
	var word []byte
	word = append(word, b)
	for {
		c, ok := l.readByte()
		if !ok {
			break
		}
		if isSpace(c) || isDelim(c) {
			l.unread()
			break
		}
		if len(word) > 256 {
			return token{}, malformed("token too long")
		}
		word = append(word, c)
	}
	if t, ok := number(word); ok {
		return t, nil
	}
	return token{kind: tKeyword, s: string(word)}, nil
}

func number(w []byte) (token, bool) {
	dot, digits := false, 0
	for i, c := range w {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == '+' || c == '-') && i == 0:
		default:
			return token{}, false
		}
	}
	if digits == 0 {
		return token{}, false
	}
	if !dot {
		if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
			return token{kind: tInt, i: i}, true
		}
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return token{kind: tReal, f: 0}, true
	}
	return token{kind: tReal, f: f}, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) name() (token, error) {
	var n []byte
	for {
		c, ok := l.readByte()
		if !ok {
			break
		}
		if isSpace(c) || isDelim(c) {
			l.unread()
			break
		}
		if c == '#' {
			h1, ok1 := l.readByte()
			h2, ok2 := l.readByte()
			a, okA := unhex(h1)
			b, okB := unhex(h2)
			if !ok1 || !ok2 || !okA || !okB {
				return token{}, malformed("bad name escape")
			}
			c = a<<4 | b
		}
		if len(n) > 256 {
			return token{}, malformed("name too long")
		}
		n = append(n, c)
	}
	return token{kind: tName, s: string(n)}, nil
}

func (l *lexer) literal() (token, error) {
	var s bytes.Buffer
	depth := 1
	for {
		c, ok := l.readByte()
		if !ok {
			return token{}, malformed("unterminated string")
		}
		if s.Len() > maxStringLen {
			return token{}, malformed("string too long")
		}
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return token{kind: tString, s: s.String()}, nil
			}
		case '\\':
			e, ok := l.readByte()
			if !ok {
				return token{}, malformed("unterminated string")
			}
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if n, ok := l.readByte(); ok && n != '\n' {
					l.unread()
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2; i++ {
						d, ok := l.readByte()
						if !ok {
							break
						}
						if d < '0' || d > '7' {
							l.unread()
							break
						}
						v = v*8 + int(d-'0')
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		s.WriteByte(c)
	}
}

func (l *lexer) hex() (token, error) {
	var s []byte
	var hi byte
	half := false
	for {
		c, ok := l.readByte()
		if !ok {
			return token{}, malformed("unterminated hex string")
		}
		if c == '>' {
			break
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return token{}, malformed("bad hex string")
		}
		if len(s) > maxStringLen {
			return token{}, malformed("string too long")
		}
		if half {
			s = append(s, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		s = append(s, hi<<4)
	}
	return token{kind: tString, s: string(s)}, nil
}

// object parses one object. Indirect references "n g R" are recognised by
// looking two tokens ahead.
func (l *lexer) object(depth int) (Object, error) {
	if depth > maxDepth {
		return nil, malformed("objects nested too deeply")
	}
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tEOF:
		return nil, malformed("unexpected end of file")
	case tInt:
		t2, err := l.next()
		if err != nil {
			return nil, err
		}
		if t2.kind == tInt {
			t3, err := l.next()
			if err != nil {
				return nil, err
			}
			if t3.kind == tKeyword && t3.s == "R" {
				if t.i < 0 || t.i > 1<<31 || t2.i < 0 || t2.i > 65535 {
					return nil, malformed("bad reference")
				}
				return Ref{Num: int(t.i), Gen: int(t2.i)}, nil
			}
			l.unreadToken(t3)
		}
		l.unreadToken(t2)
		return t.i, nil
	case tReal:
		return t.f, nil
	case tName:
		return Name(t.s), nil
	case tString:
		return String(t.s), nil
	case tArrayOpen:
		var a Array
		for {
			t, err := l.next()
			if err != nil {
				return nil, err
			}
			if t.kind == tArrayClose {
				return a, nil
			}
			if t.kind == tEOF {
				return nil, malformed("unterminated array")
			}
			l.unreadToken(t)
			o, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, o)
		}
	case tDictOpen:
		d := Dict{}
		for {
			t, err := l.next()
			if err != nil {
				return nil, err
			}
			if t.kind == tDictClose {
				return d, nil
			}
			if t.kind != tName {
				return nil, malformed("dictionary key is not a name")
			}
			o, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			d[Name(t.s)] = o
		}
	case tKeyword:
		switch t.s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, malformed("unexpected keyword %.20q", t.s)
	}
	return nil, malformed("unexpected token")
}
