package vendure

import "testing"

// For the tests of package vendure_test (through the whole connector).

func RealServer(t testing.TB, set string) (Options, string) {
	o, pw := realServer(t, set)
	return o, string(pw)
}
