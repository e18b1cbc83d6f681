package cestia

import (
	"io"
	"iter"
	"testing"

	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func writeCestia(w io.Writer, a iter.Seq[erpgen.Article]) error {
	return erpgen.WriteCestia(w, a, "Bench", "21/11/2026")
}

func BenchmarkRead100k(b *testing.B) { erptest.BenchRead(b, Name, 100_000, writeCestia) }
func BenchmarkRead10k(b *testing.B)  { erptest.BenchRead(b, Name, 10_000, writeCestia) }
