// Command gentwin writes the winsim twin of a Windows Go file (see package twin):
//
//	gentwin service_windows.go service_other.go
//
// go generate runs it for the examples.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/winsim/winsim/examples/internal/twin"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gentwin FILE_windows.go FILE_other.go")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gentwin:", err)
		os.Exit(1)
	}
}

func run(from, to string) error {
	src, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	out, err := twin.Other(src, filepath.Base(from))
	if err != nil {
		return err
	}
	return os.WriteFile(to, out, 0o644)
}
