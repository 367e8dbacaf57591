module example.com/slow8

go 1.25.0
