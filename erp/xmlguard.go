package erp

import (
	"context"
	"errors"
	"io"
)

// maxXMLToken bounds one XML token (a text node, a tag with its attributes, a
// comment, a CDATA section…): encoding/xml holds a whole token in memory before it
// returns it, so a 200 MB text node would take 200 MB and more.
const maxXMLToken = 1 << 20

var errTokenTooLarge = errors.New("an XML token (text, tag, comment or CDATA section) is larger than 1 MiB")

// tokenGuard passes XML bytes through and fails as soon as one token grows past max
// bytes, before the decoder has buffered it. It follows just enough of XML's lexical
// structure for that: text, tags (with quoted attribute values, which may hold '>'),
// comments, CDATA sections, processing instructions and directives.
type tokenGuard struct {
	r    io.Reader
	max  int
	run  int    // bytes of the current token
	last uint64 // the last 8 bytes seen
	mode byte
	q    byte // the quote of an attribute value
	br   int  // brackets open in a directive
}

const (
	gText = iota
	gTag
	gQuote
	gBang
	gComment
	gCDATA
	gPI
)

func newTokenGuard(r io.Reader, max int) *tokenGuard { return &tokenGuard{r: r, max: max} }

func (g *tokenGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		g.last = g.last<<8 | uint64(c)
		g.run++
		switch g.mode {
		case gText:
			if c == '<' {
				g.mode, g.run = gTag, 1
			}
		case gTag:
			switch {
			case g.run == 2 && c == '!':
				g.mode, g.br = gBang, 0
			case g.run == 2 && c == '?':
				g.mode = gPI
			case c == '"' || c == '\'':
				g.mode, g.q = gQuote, c
			case c == '>':
				g.mode, g.run = gText, 0
			}
		case gQuote:
			if c == g.q {
				g.mode = gTag
			}
		case gBang:
			switch {
			case g.last&0xffffffff == 0x3c212d2d: // "<!--"
				g.mode = gComment
			case g.last == 0x215b43444154415b: // "![CDATA["
				g.mode = gCDATA
			case c == '[':
				g.br++
			case c == ']':
				g.br--
			case c == '>' && g.br <= 0:
				g.mode, g.run = gText, 0
			}
		case gComment:
			if g.last&0xffffff == 0x2d2d3e { // "-->"
				g.mode, g.run = gText, 0
			}
		case gCDATA:
			if g.last&0xffffff == 0x5d5d3e { // "]]>"
				g.mode, g.run = gText, 0
			}
		case gPI:
			if g.last&0xffff == 0x3f3e { // "?>"
				g.mode, g.run = gText, 0
			}
		}
		if g.run > g.max {
			return i, errTokenTooLarge
		}
	}
	return n, err
}

// ctxReader makes a long read stop soon after ctx is cancelled: each Read checks it.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	return c.r.Read(p)
}
