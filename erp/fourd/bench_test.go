package fourd

import (
	"io"
	"iter"
	"testing"

	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func write4D(w io.Writer, a iter.Seq[erpgen.Article]) error { return erpgen.Write4D(w, a, "\r") }

func BenchmarkRead1M(b *testing.B)   { erptest.BenchRead(b, Name, 1_000_000, write4D) }
func BenchmarkRead100k(b *testing.B) { erptest.BenchRead(b, Name, 100_000, write4D) }
