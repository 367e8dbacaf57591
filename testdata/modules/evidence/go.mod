module example.com/evidence

go 1.26
