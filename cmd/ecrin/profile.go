package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profileEnv names a file to write a CPU profile of the command to: a night is
// profiled as the user runs it (bench/night.sh), before anything is optimised.
const profileEnv = "ECRIN_CPUPROFILE"

// startProfile starts the CPU profile ECRIN_CPUPROFILE asks for; the returned func
// stops it.
func startProfile() func() {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ecrin: %s: %v\n", profileEnv, err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
