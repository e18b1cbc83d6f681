package connector

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestDecodeCatalogJSONAsEncodingJSON checks the fast decoder gives what
// encoding/json gives, products and errors, on usual and unusual elements.
func TestDecodeCatalogJSONAsEncodingJSON(t *testing.T) {
	usual := `{"id": "P1", "brand": "Tissot", "ref": "T120.407", "category": "montres", "declinable": false, "published": true}`
	elems := []string{
		usual,
		`{"id":"P2","brand":"Thomas Sabo","ref":"TS-1","ean":"4006000000000","declinable":true,"variants":[{"id":"V1","size":"52"},{"id":"V2","size":"54","ean":"4006000000017"}],"published":false}`,
		`{"id":"P3","brand":"Mauboussin","ref":"Bague \"Étoile\"","published":true}`, // an escape
		`{"ID":"P4","Brand":"Seiko","REF":"S1"}`,                                      // keys in another case
		`{"id":"P5","brand":"Éléonore","ref":"É-1","price":12.5,"extra":{"a":[1,2]}}`, // unknown keys, accents
		`{"id":"P6","brand":null,"ref":"R6","variants":null,"declinable":null}`,       // nulls
		`{"id":"P7","brand":"Casio","ref":"C7","variants":[]}`,                        // no variants
		`{}`,
		` { "id" : "P8" , "ref" : "R8" } `,
	}
	docs := []string{
		"[" + strings.Join(elems, ",\n") + "]\n",
		"[]", " [ ] ", "null", "",
		"[" + usual + ",]",                      // trailing comma
		"[" + usual + "] x",                     // trailing garbage
		"[" + usual + " " + usual + "]",         // no comma
		`[{"id":"P1","ref":"R"}, 3]`,            // not an object
		`[{"id":1}]`,                            // a number for a string
		`[{"id":"P1","published":tru}]`,         // a broken literal
		`[{"id":"P1","ref":"a` + "\x01" + `"}]`, // a control character
		`[{"id":"P1","ref":"` + "\xff" + `"}]`,  // invalid UTF-8
		"\ufeff[" + usual + "]",                 // a byte order mark
		`[{"id":"P1","ref":"R"]`,                // unbalanced
	}
	var many []string
	for i := range 10000 {
		many = append(many, elems[i%len(elems)])
	}
	docs = append(docs, "["+strings.Join(many, ",")+"]")
	for i, doc := range docs {
		var want []reconcile.Product
		wantErr := json.Unmarshal([]byte(doc), &want)
		got, err := decodeCatalogJSON([]byte(doc))
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("doc %d: error %v, encoding/json %v", i, err, wantErr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("doc %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}
