package prestashop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// The webservice's JSON (output_format=JSON) writes ids as numbers and most other
// fields as strings, an empty list as [] instead of an object, and a multilingual
// field as [{"id":"1","value":"…"}] — or as a plain string when the request names
// one language. The types here read any of these forms.

// str is a JSON string, number, boolean or null, kept as text.
type str string

func (s *str) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = str(v)
	case b[0] == '[' || b[0] == '{':
		return fmt.Errorf("want a value, got %.20s", b)
	default:
		*s = str(b)
	}
	return nil
}

// Int is the text as an integer, 0 when it is not one.
func (s str) Int() int {
	n, err := strconv.Atoi(string(s))
	if err != nil {
		return 0
	}
	return n
}

// ml is a multilingual field: one string per language id.
type ml map[string]string

func (m *ml) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*m = ml{}
	if len(b) > 0 && b[0] == '[' {
		var list []struct {
			ID    str `json:"id"`
			Value str `json:"value"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, l := range list {
			(*m)[string(l.ID)] = string(l.Value)
		}
		return nil
	}
	var v str
	if err := v.UnmarshalJSON(b); err != nil {
		return err
	}
	(*m)[""] = string(v)
	return nil
}

// in returns the text in language lang, or the only text there is.
func (m ml) in(lang int) string {
	if v, ok := m[strconv.Itoa(lang)]; ok {
		return v
	}
	if v, ok := m[""]; ok {
		return v
	}
	if len(m) == 1 {
		for _, v := range m {
			return v
		}
	}
	return ""
}

// ref is an association entry: {"id":"3"} and sometimes more.
type ref struct {
	ID                 str `json:"id"`
	IDProductAttribute str `json:"id_product_attribute"`
}

type (
	wireProduct struct {
		ID               str `json:"id"`
		Reference        str `json:"reference"`
		EAN13            str `json:"ean13"`
		ManufacturerName str `json:"manufacturer_name"`
		IDCategory       str `json:"id_category_default"`
		Price            str `json:"price"`
		Active           str `json:"active"`
		Associations     struct {
			Categories      []ref `json:"categories"`
			Combinations    []ref `json:"combinations"`
			StockAvailables []ref `json:"stock_availables"`
		} `json:"associations"`
	}
	wireCombination struct {
		ID           str `json:"id"`
		IDProduct    str `json:"id_product"`
		Reference    str `json:"reference"`
		EAN13        str `json:"ean13"`
		Price        str `json:"price"`
		Associations struct {
			Values []ref `json:"product_option_values"`
		} `json:"associations"`
	}
	wireOption struct {
		ID   str `json:"id"`
		Name ml  `json:"name"`
	}
	wireValue struct {
		ID    str `json:"id"`
		Group str `json:"id_attribute_group"`
		Name  ml  `json:"name"`
	}
	wireStock struct {
		ID             str `json:"id"`
		IDProduct      str `json:"id_product"`
		IDAttribute    str `json:"id_product_attribute"`
		IDShop         str `json:"id_shop"`
		IDShopGroup    str `json:"id_shop_group"`
		Quantity       str `json:"quantity"`
		DependsOnStock str `json:"depends_on_stock"`
		OutOfStock     str `json:"out_of_stock"`
		Location       str `json:"location"`
	}
	wireOrder struct {
		ID           str `json:"id"`
		Reference    str `json:"reference"`
		CurrentState str `json:"current_state"`
		DateAdd      str `json:"date_add"`
	}
	wireDetail struct {
		ID         str `json:"id"`
		IDOrder    str `json:"id_order"`
		ProductID  str `json:"product_id"`
		AttrID     str `json:"product_attribute_id"`
		Quantity   str `json:"product_quantity"`
		Reference  str `json:"product_reference"`
		ProductEAN str `json:"product_ean13"`
	}
)

// decodeList reads the list named name of a list answer; [] (PrestaShop's answer
// for an empty list) and {} are empty.
func decodeList[T any](data []byte, name string, out *[]T) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] == '[' {
		var empty []json.RawMessage
		if err := json.Unmarshal(data, &empty); err != nil || len(empty) != 0 {
			return fmt.Errorf("want an object with %q, got %.40s", name, data)
		}
		return nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	raw, ok := doc[name]
	if !ok {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// decodeOne reads the resource named name of a single-resource answer.
func decodeOne[T any](data []byte, name string, out *T) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	raw, ok := doc[name]
	if !ok {
		return fmt.Errorf("no %q in the answer", name)
	}
	return json.Unmarshal(raw, out)
}
