package erp

import "hash/maphash"

// maxDupes bounds the memory spent finding duplicated lines: past this many distinct
// lines, new lines are no longer remembered (lines already seen are still found).
const maxDupes = 1 << 16

// dupes finds lines that repeat an earlier line of the extract.
type dupes struct {
	seed  maphash.Seed
	first map[uint64]int
}

func newDupes() *dupes { return &dupes{seed: maphash.MakeSeed(), first: make(map[uint64]int)} }

// see returns the line where raw was first seen, or 0 the first time.
func (d *dupes) see(raw []byte, line int) int {
	h := maphash.Bytes(d.seed, raw)
	if first, ok := d.first[h]; ok {
		return first
	}
	if len(d.first) < maxDupes {
		d.first[h] = line
	}
	return 0
}
