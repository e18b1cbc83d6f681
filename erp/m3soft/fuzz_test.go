package m3soft

import (
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func FuzzRead(f *testing.F) { erptest.Fuzz(f, Name, "m3soft", erp.Options{}) }
