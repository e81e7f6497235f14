module github.com/winsim/winsim/examples

go 1.26.0

// The examples build against this checkout of winsim, not a released version.
replace github.com/winsim/winsim => ../

require (
	github.com/stretchr/testify v1.12.1
	github.com/winsim/winsim v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
	golang.org/x/sys v0.50.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
