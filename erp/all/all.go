// Package all registers every built-in ERP profile. Import it for its side effects:
//
//	import _ "github.com/ecrin-connect/ecrin/erp/all"
package all

import (
	_ "github.com/ecrin-connect/ecrin/erp/bijou3" // Bijou3
)
