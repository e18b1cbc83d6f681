package prestashop

import (
	"bytes"
	"encoding/xml"
)

// field is one element of a resource's XML body.
type field struct{ name, value string }

// xmlBody writes the XML body the webservice takes for a PUT or PATCH of one
// resource: <prestashop><resource><field>value</field>…</resource></prestashop>.
// Names are this package's constants; values are escaped.
func xmlBody(resource string, fields ...field) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><` + resource + `>`)
	for _, f := range fields {
		b.WriteString("<" + f.name + ">")
		_ = xml.EscapeText(&b, []byte(f.value)) // a bytes.Buffer does not fail
		b.WriteString("</" + f.name + ">")
	}
	b.WriteString(`</` + resource + `></prestashop>`)
	return b.Bytes()
}
