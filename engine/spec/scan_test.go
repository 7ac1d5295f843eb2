package spec

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckStructure(t *testing.T) {
	ok := []string{
		`{}`, `[]`, `"a"`, `{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`,
		`{"claims":{"ssoConfigurationId":"x"},"ssoConfigurationId":"y"}`,
		`{"a":"{\"a\":1,\"a\":2}"}`, // braces and keys inside strings are text
		`{"a\"b":1,"a":2}`,
		strings.Repeat("[", 32) + strings.Repeat("]", 32),
		`[{"a":1},{"a":2}]`, `{"a":{"a":{"a":1}},"b":{"a":2,"b":3}}`,
		manyNames(40, ""), `{"x":` + manyNames(20, "") + `,"y":` + manyNames(20, "") + `}`,
		`"` + strings.Repeat("s", 65536) + `"`, // at the limit
		`{"n":-1.5e+3,"t":true,"f":false,"z":null,"s":"\"}"}`,
	}
	for _, s := range ok {
		if err := CheckStructure([]byte(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	bad := map[string]string{
		`{"a":1,"a":2}`:                                 `request body: duplicate field "a"`,
		`{"a":1,"\u0061":2}`:                            `request body: duplicate field "a"`,
		`[{"x":{"a":1,"b":2,"a":3}}]`:                   `request body: duplicate field "a"`,
		strings.Repeat("[", 33) + "]":                   "request body: nested deeper than 32 levels",
		manyNames(10, `"k3"`):                           `request body: duplicate field "k3"`,
		manyNames(40, `"k3"`):                           `request body: duplicate field "k3"`,
		manyNames(40, `"k39"`):                          `request body: duplicate field "k39"`,
		manyNames(40, `"k\u0033"`):                      `request body: duplicate field "k3"`,
		`{"a":{"b":1},"c":{"d":2,"d":3}}`:               `request body: duplicate field "d"`,
		`"` + strings.Repeat("s", 65537) + `"`:          "request body: a string is longer than 65536 bytes",
		`{"` + strings.Repeat("k", 65537) + `":1}`:      "request body: a string is longer than 65536 bytes",
		`{"a":[1,{"b":2,"b":3}],"c":[{"d":1},{"d":2}]}`: `request body: duplicate field "b"`,
	}
	for s, want := range bad {
		err := CheckStructure([]byte(s))
		if err == nil || err.Error() != want {
			t.Errorf("%.40s: %v, want %q", s, err, want)
		}
	}
}

// manyNames is an object with n distinct names, then extra (a quoted name) once more.
func manyNames(n int, extra string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	if extra != "" {
		b.WriteString(extra + ":0,")
	}
	b.WriteString(`"end":0}`)
	return b.String()
}
