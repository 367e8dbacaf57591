module example.com/watchme

go 1.25.0
