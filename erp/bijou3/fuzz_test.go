package bijou3

import (
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func FuzzRead(f *testing.F) { erptest.Fuzz(f, Name, "bijou3", erp.Options{}) }
