package erp

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/transform"
)

// maxXMLDepth bounds the nesting of a supplier feed.
const maxXMLDepth = 64

// XMLReader reads an XML feed (a supplier's, usually): Options.Item names the element
// that holds one article, and Options.Columns gives each field's path inside it,
// "qty", "stock/available", "@ref" (an attribute of the item) or "price/@value".
// Alternatives are separated by "|", as for column names.
type XMLReader struct {
	Profile string
	Options Options
}

// Read implements Reader.
func (x *XMLReader) Read(ctx context.Context, name string, r io.Reader, sink Sink) (_ Summary, err error) {
	o := x.Options
	lim := o.Limits.WithDefaults()
	sum := Summary{Profile: x.Profile}
	fileErr := func(line int, code, msg string, err error) (Summary, error) {
		return sum, &FileError{Loc: Location{File: name, Line: line}, Code: code, Message: msg, Err: err}
	}
	// A last resort: no input may crash the service.
	defer func() {
		if p := recover(); p != nil {
			err = &FileError{Loc: Location{File: name}, Code: FileFormat, Message: fmt.Sprintf("the feed could not be read (internal error: %v)", p)}
		}
	}()
	br := bufio.NewReaderSize(&limitedReader{r: ctxReader{ctx, r}, n: lim.MaxFileBytes}, 4<<10)
	head, _ := br.Peek(512)
	if code, msg := sniffText(head, strings.ToLower(strings.TrimSpace(o.Encoding)), "XML feed"); code != "" {
		return fileErr(0, code, msg, nil)
	}
	text, err := OpenText(br, "utf-8")
	if err != nil {
		return fileErr(0, FileEncoding, "cannot decode the feed", err)
	}
	in := text.R
	sum.Encoding = text.Encoding
	if !text.FromBOM && o.Encoding != "" {
		enc, canon, err := LookupEncoding(o.Encoding)
		if err != nil {
			return fileErr(0, FileEncoding, "cannot decode the feed", err)
		}
		if enc != nil {
			in = transform.NewReader(in, enc.NewDecoder())
		}
		sum.Encoding = canon
	}
	dec := xml.NewDecoder(newTokenGuard(in, maxXMLToken))
	dec.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		if text.FromBOM || sum.Encoding != "utf-8" {
			// A byte-order mark wins over the declaration; the profile's encoding
			// has already decoded the feed.
			return input, nil
		}
		enc, canon, err := LookupEncoding(charset)
		if err != nil {
			return nil, err
		}
		sum.Encoding = canon
		if enc == nil {
			return input, nil
		}
		return transform.NewReader(input, enc.NewDecoder()), nil
	}

	// The "header" is the list of configured paths; a row holds their values.
	var paths []string
	index := map[string]int{}
	for _, f := range fieldNames {
		for _, alt := range strings.Split(o.Columns[f], "|") {
			alt = strings.Trim(strings.TrimSpace(alt), "/")
			if _, dup := index[alt]; alt != "" && !dup {
				index[alt] = len(paths)
				paths = append(paths, alt)
			}
		}
	}
	m := NewMapper(name, o)
	if err := m.ByHeader(paths, Location{File: name}); err != nil {
		return sum, err
	}
	sum.Header = paths
	report := func(p Problem) {
		if p.Severity == Warning {
			sum.Warnings++
		} else {
			sum.RowErrors++
		}
		if sink.Problem != nil {
			sink.Problem(p)
		}
	}
	item := strings.TrimSpace(o.Item)
	var (
		stack    []string                  // element path inside the item
		depth    int                       // elements open in the whole document
		seen     = make([]int, len(paths)) // line where a mapped element was met in this item
		inItem   bool
		itemLine int
		values   = make([]strings.Builder, len(paths))
		fields   = make([]string, len(paths))
		articles int
	)
	add := func(path, s string) {
		if i, ok := index[path]; ok && values[i].Len() <= lim.MaxFieldBytes {
			values[i].WriteString(s)
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		line, _ := dec.InputPos()
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return sum, ctx.Err()
			case errors.Is(err, errTooLarge):
				return fileErr(0, FileTooLarge, fmt.Sprintf("the feed is larger than %d bytes", lim.MaxFileBytes), nil)
			case errors.Is(err, errTokenTooLarge):
				return fileErr(line, FileTooLarge, err.Error(), nil)
			}
			return fileErr(line, FileFormat, "malformed XML", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return fileErr(line, FileFormat, fmt.Sprintf("elements nested deeper than %d", maxXMLDepth), nil)
			}
			if inItem && t.Name.Local == item {
				return fileErr(line, FileFormat, fmt.Sprintf("an <%s> inside the <%s> of line %d: items must not nest", item, item, itemLine), nil)
			}
			if !inItem {
				if t.Name.Local == item {
					inItem, itemLine, stack = true, line, stack[:0]
					for i := range values {
						values[i].Reset()
						seen[i] = 0
					}
					for _, a := range t.Attr {
						add("@"+a.Name.Local, a.Value)
					}
				}
				continue
			}
			if len(stack) >= maxXMLDepth {
				return fileErr(line, FileFormat, fmt.Sprintf("elements nested deeper than %d", maxXMLDepth), nil)
			}
			stack = append(stack, t.Name.Local)
			p := strings.Join(stack, "/")
			if i, ok := index[p]; ok {
				if seen[i] > 0 {
					return fileErr(line, FileFormat, fmt.Sprintf("<%s> appears twice in the <%s> of line %d (first on line %d): expected one value per article", p, item, itemLine, seen[i]), nil)
				}
				seen[i] = line
			}
			for _, a := range t.Attr {
				add(p+"/@"+a.Name.Local, a.Value)
			}
		case xml.CharData:
			if inItem && len(stack) > 0 {
				add(strings.Join(stack, "/"), string(t))
			}
		case xml.EndElement:
			depth--
			if !inItem {
				continue
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
				continue
			}
			inItem = false
			articles++
			if articles&0xfff == 0 {
				if err := ctx.Err(); err != nil {
					return sum, err
				}
			}
			if articles > lim.MaxRows {
				return fileErr(itemLine, FileTooLarge, fmt.Sprintf("more than %d articles", lim.MaxRows), nil)
			}
			for i := range values {
				fields[i] = values[i].String()
			}
			rec, ok := m.Convert(fields, Location{File: name, Line: itemLine}, report)
			if !ok {
				continue
			}
			if err := sink.Record(rec); err != nil {
				return sum, err
			}
			sum.Rows++
		}
	}
	if articles == 0 {
		return fileErr(0, FileEmpty, fmt.Sprintf("no <%s> element in the feed", item), nil)
	}
	return sum, nil
}
