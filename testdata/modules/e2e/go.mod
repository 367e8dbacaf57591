module example.com/e2e

go 1.26.0

require github.com/gorerun/gorerun v0.0.0

replace github.com/gorerun/gorerun => ../../..
