package erp

// Merge returns o with every non-zero setting of over applied on top: a site's
// configuration overrides a built-in profile field by field. Columns are merged key by
// key; Order and ExcludedStatuses are replaced when over sets them.
func (o Options) Merge(over Options) Options {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&o.Format, over.Format)
	set(&o.Encoding, over.Encoding)
	set(&o.Delimiter, over.Delimiter)
	set(&o.Quote, over.Quote)
	set(&o.Decimal, over.Decimal)
	set(&o.Sheet, over.Sheet)
	set(&o.Brand, over.Brand)
	set(&o.Item, over.Item)
	if over.Header != nil {
		h := *over.Header
		o.Header = &h
	}
	if over.HeaderRow > 0 {
		o.HeaderRow = over.HeaderRow
	}
	if len(over.Columns) > 0 {
		cols := make(map[string]string, len(o.Columns)+len(over.Columns))
		for k, v := range o.Columns {
			cols[k] = v
		}
		for k, v := range over.Columns {
			cols[k] = v
		}
		o.Columns = cols
	}
	if len(over.Order) > 0 {
		o.Order = append([]string(nil), over.Order...)
	}
	if over.ExcludedStatuses != nil {
		o.ExcludedStatuses = append([]string(nil), over.ExcludedStatuses...)
	}
	l := &o.Limits
	if over.Limits.MaxFileBytes > 0 {
		l.MaxFileBytes = over.Limits.MaxFileBytes
	}
	if over.Limits.MaxUnzipBytes > 0 {
		l.MaxUnzipBytes = over.Limits.MaxUnzipBytes
	}
	if over.Limits.MaxRows > 0 {
		l.MaxRows = over.Limits.MaxRows
	}
	if over.Limits.MaxFieldBytes > 0 {
		l.MaxFieldBytes = over.Limits.MaxFieldBytes
	}
	return o
}

// HasHeader reports whether the extract starts with a header row (true unless the
// options say otherwise).
func (o Options) HasHeader() bool { return o.Header == nil || *o.Header }

// Bool returns a pointer to b, for Options.Header.
func Bool(b bool) *bool { return &b }
