package erpgen

import (
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteCestia writes a Cestia workbook: sheet "Stock", title rows above the header,
// numeric cells for numbers, the Cestia code and the references that are all digits
// stored as numbers (with a "0000000" format that keeps leading zeros), EANs stored
// as numbers, and a "Total" footer. It streams rows with excelize's StreamWriter.
func WriteCestia(w io.Writer, articles iter.Seq[Article], shop, date string) error {
	return writeCestia(w, articles, shop, date, cestiaHeader, nil)
}

var cestiaHeader = []string{"Réf. Cestia", "Réf. fournisseur", "Fournisseur", "Libellé", "Taille", "Qté stock", "Qté en commande", "PV TTC", "Web", "EAN"}

// writeCestia writes the workbook with the given header; mangle, when set, may
// change the cells of each article row (n counts article rows from 1), for the broken
// variants.
func writeCestia(w io.Writer, articles iter.Seq[Article], shop, date string, header []string, mangle func(n int, cells []any)) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Stock"); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Stock")
	if err != nil {
		return fmt.Errorf("cestia workbook: %w", err)
	}
	zeros := "0000000"
	keepZeros, err := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
	if err != nil {
		return err
	}
	priceFmt := `#,##0.00\ "€"`
	price, err := f.NewStyle(&excelize.Style{CustomNumFmt: &priceFmt})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	row := 1
	put := func(values ...any) {
		if err == nil {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			err = sw.SetRow(cell, values)
		}
		row++
	}
	put(excelize.Cell{StyleID: bold, Value: shop})
	put("Stock au " + date)
	row++ // a blank line
	var head []any
	for _, h := range header {
		head = append(head, excelize.Cell{StyleID: bold, Value: h})
	}
	put(head...)
	total, n := 0, 0
	for a := range articles {
		if a.CatalogOnly {
			continue
		}
		var code any
		if c, err := strconv.Atoi(a.Code); err == nil {
			code = c
		}
		var ref any = a.Ref
		if n, err := strconv.Atoi(a.Ref); err == nil && strings.Trim(a.Ref, "0123456789") == "" {
			ref = excelize.Cell{StyleID: keepZeros, Value: n}
		}
		web := "Oui"
		if a.Status != Active {
			web = "Non"
		}
		var ean any
		if a.EAN != "" {
			n, _ := strconv.ParseInt(a.EAN, 10, 64)
			ean = n
		}
		var size any = a.Size
		if n, err := strconv.Atoi(a.Size); err == nil {
			size = n
		}
		cells := []any{code, ref, a.Brand, a.Label, size, a.Qty, a.OnOrder,
			excelize.Cell{StyleID: price, Value: float64(a.PriceCents) / 100}, web, ean}
		if n++; mangle != nil {
			mangle(n, cells)
		}
		put(cells...)
		total += a.Qty
	}
	put(excelize.Cell{StyleID: bold, Value: "Total"}, nil, nil, nil, nil, total)
	if err != nil {
		return fmt.Errorf("cestia workbook row %d: %w", row, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("cestia workbook: %w", err)
	}
	_, err = f.WriteTo(w)
	return err
}
