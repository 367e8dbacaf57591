module example.com/flaky10

go 1.22
