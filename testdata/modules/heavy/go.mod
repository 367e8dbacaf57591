module example.com/heavy

go 1.26.0
