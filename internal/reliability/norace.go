//go:build !race

package reliability

// RaceDetector reports whether the program was built with the race detector.
const RaceDetector = false
