// Package reliability measures winsim's reliability checks and writes
// docs/reliability.md from what they measured (make reliability).
//
// The measurements report their own figures as JSON lines (Record) in a figures file:
// the tests of internal/stress and the bad-input table call Report when the
// environment variable WINSIM_RELIABILITY_OUT names that file (unset, as in make test,
// they report nothing), and the command (cmd/reliability) records each step it runs:
// the command's exit status and, for fuzz and benchmark runs, the figures parsed from
// go test's output. Render turns the figures into the page: the prose stays in a
// template (template.md), every figure and every result comes from the records, and
// the page says nothing was lost or leaked only when every record says so.
package reliability
