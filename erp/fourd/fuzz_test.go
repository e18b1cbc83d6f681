package fourd

import (
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func FuzzRead(f *testing.F) { erptest.Fuzz(f, Name, "4d", erp.Options{}) }
