module example.com/gts

go 1.25.0
