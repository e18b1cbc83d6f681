// Package all registers every built-in ERP profile. Import it for its side effects:
//
//	import _ "github.com/ecrin-connect/ecrin/erp/all"
package all

import (
	_ "github.com/ecrin-connect/ecrin/erp/bijou3"  // Bijou3: CSV ';', Windows-1252
	_ "github.com/ecrin-connect/ecrin/erp/cestia"  // Cestia: XLSX
	_ "github.com/ecrin-connect/ecrin/erp/fourd"   // 4D: EXPORT TEXT, TAB, no header
	_ "github.com/ecrin-connect/ecrin/erp/generic" // any other ERP or supplier feed
	_ "github.com/ecrin-connect/ecrin/erp/m3soft"  // M3Soft: '|', ISO-8859-15, #FIN trailer
)
