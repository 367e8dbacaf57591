module github.com/gorerun/gorerun

go 1.25.0

require (
	github.com/fatih/color v1.19.0
	github.com/joshdk/go-junit v1.0.0
	github.com/mattn/go-isatty v0.0.20
)

require (
	github.com/mattn/go-colorable v0.1.14 // indirect
	golang.org/x/sys v0.42.0 // indirect
)
