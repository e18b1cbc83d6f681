package bijou3

import (
	"testing"

	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func BenchmarkRead1M(b *testing.B)   { erptest.BenchRead(b, Name, 1_000_000, erpgen.WriteBijou3) }
func BenchmarkRead100k(b *testing.B) { erptest.BenchRead(b, Name, 100_000, erpgen.WriteBijou3) }
