package testjson_test

import (
	"fmt"
	"strings"

	"github.com/gorerun/gorerun/testjson"
)

// A go test -json stream is read one event at a time, like bufio.Scanner.
func ExampleDecoder() {
	stream := `{"Action":"run","Package":"example.com/m","Test":"TestA"}
{"Action":"output","Package":"example.com/m","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"fail","Package":"example.com/m","Test":"TestA","Elapsed":0.01}
not JSON: kept as output
{"Action":"fail","Package":"example.com/m","Elapsed":0.02}
`
	d := testjson.NewDecoder(strings.NewReader(stream))
	for d.Scan() {
		ev := d.Event()
		fmt.Printf("%-6s %s %s notJSON=%v\n", ev.Action, ev.Package, ev.Test, ev.NotJSON)
	}
	if err := d.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// run    example.com/m TestA notJSON=false
	// output example.com/m TestA notJSON=false
	// fail   example.com/m TestA notJSON=false
	// output   notJSON=true
	// fail   example.com/m  notJSON=false
}
