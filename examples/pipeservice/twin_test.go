package pipeservice_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/winsim/winsim/examples/internal/twin"
)

// TestOtherIsTheWindowsFileWithOneImportChanged keeps the promise of this example: the file
// built over winsim is the Windows file, byte for byte, but for its generated-code header and
// build line and the one import line. It fails when service_other.go is stale (run go generate
// ./... in examples) or was edited by hand.
func TestOtherIsTheWindowsFileWithOneImportChanged(t *testing.T) {
	win, err := os.ReadFile("service_windows.go")
	require.NoError(t, err)
	other, err := os.ReadFile("service_other.go")
	require.NoError(t, err)

	want, err := twin.Other(win, "service_windows.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(other), "service_other.go is not what go generate makes of service_windows.go")

	// The same promise read line by line, without package twin's help.
	header := twin.Header("service_windows.go")
	require.True(t, strings.HasPrefix(string(other), header), "service_other.go starts with its header")
	wl := strings.Split(string(win), "\n")
	ol := strings.Split(strings.TrimPrefix(string(other), header), "\n")
	require.Len(t, ol, len(wl))
	var differ [][2]string
	for i := range wl {
		if wl[i] != ol[i] {
			differ = append(differ, [2]string{wl[i], ol[i]})
		}
	}
	assert.Equal(t, [][2]string{{"\t\"golang.org/x/sys/windows\"", "\t\"github.com/winsim/winsim/windows\""}}, differ)
}
