package jsonproto_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/gitpod-mock/orgmock/engine/jsonproto"
)

// schema has a field of every kind Append covers, and some it leaves to protojson.
const schema = `syntax = "proto3";
package test;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; COLOR_BLUE = 2; }
message Inner { string name = 1; int32 n = 2; repeated string tags = 3; Inner child = 4; }
message All {
  string s = 1;
  bool b = 2;
  int32 i32 = 3;
  int64 i64 = 4;
  uint32 u32 = 5;
  uint64 u64 = 6;
  Color color = 7;
  Inner inner = 8;
  repeated string strings = 9;
  repeated Inner inners = 10;
  repeated int32 ints = 11;
  repeated Color colors = 12;
  map<string, string> labels = 13;
  map<string, Inner> byName = 14;
  google.protobuf.Timestamp at = 15;
  google.protobuf.Duration took = 16;
  optional string os = 17;
  optional bool ob = 18;
  optional int32 oi = 19;
  optional Color oc = 20;
  oneof choice { string cs = 21; Inner ci = 22; }
  double d = 23;
  bytes raw = 24;
}`

func messageAll(t testing.TB) protoreflect.MessageDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"test.proto": schema}),
	})}
	files, err := c.Compile(context.Background(), "test.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0].Messages().ByName("All")
}

// check transcodes js with Append and compares the message it makes with protojson's.
func check(t *testing.T, md protoreflect.MessageDescriptor, js string) bool {
	t.Helper()
	want := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(js), want); err != nil {
		t.Fatalf("protojson refuses %s: %v", js, err)
	}
	b, ok := jsonproto.Append(nil, []byte(js), md)
	if !ok {
		return false
	}
	got := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(b, got); err != nil {
		t.Fatalf("%s: Append wrote bytes that do not decode: %v", js, err)
	}
	if !proto.Equal(got, want) {
		t.Fatalf("%s:\n Append made %v\nprotojson made %v", js, got, want)
	}
	return true
}

// TestAppendAgreesWithProtojson: JSON Append covers makes exactly the message protojson
// makes of it; what it does not cover, it says so (the caller then takes protojson).
func TestAppendAgreesWithProtojson(t *testing.T) {
	md := messageAll(t)
	for _, js := range []string{
		`{}`,
		` { "s" : "x" , "b" : true } `,
		`{"s":"","b":false,"i32":0,"color":"COLOR_UNSPECIFIED"}`, // zero values without presence
		`{"os":"","ob":false,"oi":0,"oc":"COLOR_UNSPECIFIED"}`,   // with presence: kept
		`{"i32":-5,"i64":"-9007199254740993","u32":4294967295,"u64":"999999999999999999"}`,
		`{"i64":12,"u64":"0"}`,
		`{"color":"COLOR_BLUE","colors":["COLOR_RED","COLOR_UNSPECIFIED",2]}`,
		`{"inner":{},"inners":[{},{"name":"a","child":{"n":3}}]}`,
		`{"strings":[],"ints":[1,0,-1],"labels":{},"byName":{}}`,
		`{"labels":{"a":"b","":""},"byName":{"k":{"name":"v"},"e":{}}}`,
		`{"at":"2026-01-10T12:00:00Z","took":"0s"}`,
		`{"at":"0001-01-01T00:00:00Z","took":"-1.5s"}`,
		`{"at":"9999-12-31T23:59:59.999999999Z","took":"315576000000.000000001s"}`,
		`{"at":"2026-01-10T12:00:00.1+02:00","took":"0.000000001s"}`,
		`{"cs":"chosen"}`,
		`{"ci":{"name":"x"}}`,
		`{"s":null,"inner":null,"strings":null}`,
		`{"s":"ünïcödé ✓"}`,
		`{"i32":"7"}`,
	} {
		if !check(t, md, js) {
			t.Errorf("Append did not cover %s", js)
		}
	}
	// Left to protojson: escapes, floats, bytes, integers of more than 18 digits.
	for _, js := range []string{`{"s":"a\"b"}`, `{"d":1.5}`, `{"raw":"AAE="}`, `{"i32":1e2}`, `{"u64":"18446744073709551615"}`} {
		if check(t, md, js) {
			t.Errorf("Append covered %s, which it should leave to protojson", js)
		}
	}
	// Repeats protojson refuses: refused too.
	for _, js := range []string{`{"s":"a","s":"b"}`, `{"s":"a","s":null}`, `{"cs":"a","ci":{}}`, `{"labels":{"a":"1","a":"2"}}`} {
		if _, ok := jsonproto.Append(nil, []byte(js), md); ok {
			t.Errorf("Append took %s, which protojson refuses", js)
		}
	}
	// Not the message at all: refused.
	for _, js := range []string{``, `[]`, `{"nope":1}`, `{"s":1}`, `{"b":"true"}`, `{"color":"GREEN"}`, `{"i32":2147483648}`,
		`{"u32":-1}`, `{"at":"yesterday"}`, `{"at":"0000-01-10T0:00:00Z"}`, `{"at":"0000-12-31T23:59:59Z"}`, `{"at":"2026-01-10t12:00:00z"}`,
		`{"at":"2026-01-10T12:00:00"}`, `{"at":"2026-01-10T12:00:00.Z"}`, `{"at":"2026-01-10T12:00:00.1234567890Z"}`, `{"took":"1h"}`, `{"took":"1.0000000001s"}`, `{"took":"315576000001s"}`, `{"took":"+1s"}`, `{"took":"1.-5s"}`, `{"took":"s"}`, `{"s":"x"} {}`, `{"s":"x",}`, `{"inner":{"name":"a"}`} {
		if _, ok := jsonproto.Append(nil, []byte(js), md); ok {
			t.Errorf("Append took %s", js)
		}
	}
}

// TestAppendRandomMessages: random messages of every covered kind, as protojson writes them,
// go through Append back to equal messages.
func TestAppendRandomMessages(t *testing.T) {
	md := messageAll(t)
	rng := rand.New(rand.NewPCG(1, 2))
	covered := 0
	for i := 0; i < 3000; i++ {
		m := dynamicpb.NewMessage(md)
		fill(rng, m, 0)
		js, err := protojson.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if check(t, md, string(js)) {
			covered++
		}
	}
	if covered != 3000 {
		t.Errorf("Append covered %d of 3000 random messages", covered)
	}
}

// fill sets random values on some of m's fields (never the kinds Append leaves aside).
func fill(rng *rand.Rand, m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if rng.IntN(3) == 0 || fd.Kind() == protoreflect.DoubleKind || fd.Kind() == protoreflect.BytesKind {
			continue
		}
		switch {
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for range rng.IntN(3) {
				v := mp.NewValue()
				if fd.MapValue().Message() != nil {
					fill(rng, v.Message(), depth+1)
				} else {
					v = protoreflect.ValueOfString(word(rng))
				}
				mp.Set(protoreflect.ValueOfString(word(rng)).MapKey(), v)
			}
		case fd.IsList():
			l := m.Mutable(fd).List()
			for range rng.IntN(3) {
				if fd.Message() != nil {
					v := l.NewElement()
					fill(rng, v.Message(), depth+1)
					l.Append(v)
				} else {
					l.Append(scalar(rng, fd))
				}
			}
		case fd.Message() != nil:
			if depth > 2 {
				continue
			}
			v := m.NewField(fd)
			switch fd.Message().FullName() {
			case "google.protobuf.Timestamp":
				v.Message().Set(fd.Message().Fields().ByName("seconds"), protoreflect.ValueOfInt64(rng.Int64N(253402300799+62135596800)-62135596800))
				v.Message().Set(fd.Message().Fields().ByName("nanos"), protoreflect.ValueOfInt32(rng.Int32N(1e9)))
			case "google.protobuf.Duration":
				s, n := rng.Int64N(315576000000), rng.Int32N(1e9)
				if rng.IntN(2) == 0 {
					s, n = -s, -n
				}
				v.Message().Set(fd.Message().Fields().ByName("seconds"), protoreflect.ValueOfInt64(s))
				v.Message().Set(fd.Message().Fields().ByName("nanos"), protoreflect.ValueOfInt32(n))
			default:
				fill(rng, v.Message(), depth+1)
			}
			m.Set(fd, v)
		default:
			m.Set(fd, scalar(rng, fd))
		}
	}
}

func scalar(rng *rand.Rand, fd protoreflect.FieldDescriptor) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(word(rng))
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(rng.IntN(2) == 0)
	case protoreflect.Int32Kind:
		return protoreflect.ValueOfInt32(int32(rng.Uint32()))
	case protoreflect.Int64Kind: // of at most 18 digits: longer ones are protojson's
		return protoreflect.ValueOfInt64(rng.Int64N(2e18) - 1e18)
	case protoreflect.Uint32Kind:
		return protoreflect.ValueOfUint32(rng.Uint32())
	case protoreflect.Uint64Kind:
		return protoreflect.ValueOfUint64(rng.Uint64N(1e18))
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		return protoreflect.ValueOfEnum(vals.Get(rng.IntN(vals.Len())).Number())
	}
	panic(fmt.Sprintf("no random %s", fd.Kind()))
}

func word(rng *rand.Rand) string {
	letters := []rune("abcdéz 09-_/✓")
	var b strings.Builder
	for range rng.IntN(6) {
		b.WriteRune(letters[rng.IntN(len(letters))])
	}
	return b.String()
}

// BenchmarkAppend against protojson and proto.Marshal, on a message like the API's answers.
func BenchmarkAppend(b *testing.B) {
	md := messageAll(b)
	js := []byte(`{"s":"d2c94c27-3b76-4a42-b88c-95a85e392c68","b":true,"inner":{"name":"Okta provisioning","tags":["a","b"]},` +
		`"at":"2026-01-10T12:00:00Z","labels":{"email":"email"},"color":"COLOR_BLUE"}`)
	b.Run("jsonproto", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			var ok bool
			if buf, ok = jsonproto.Append(buf[:0], js, md); !ok {
				b.Fatal("not covered")
			}
		}
	})
	b.Run("protojson+proto.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := dynamicpb.NewMessage(md)
			if err := protojson.Unmarshal(js, m); err != nil {
				b.Fatal(err)
			}
			if _, err := proto.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzAppend: whatever JSON Append takes, protojson takes too and makes the same message of.
func FuzzAppend(f *testing.F) {
	for _, js := range []string{`{}`, `{"s":"x","inner":{"tags":["a"]}}`, `{"at":"2026-01-10T12:00:00Z","took":"-1.5s"}`,
		`{"labels":{"a":"b"},"byName":{"k":{"n":1}}}`, `{"colors":["COLOR_RED",2],"ints":[1,-1]}`, `{"u64":"12","i64":-3}`} {
		f.Add([]byte(js))
	}
	md := messageAll(f)
	f.Fuzz(func(t *testing.T, js []byte) {
		b, ok := jsonproto.Append(nil, js, md)
		if !ok {
			return
		}
		want := dynamicpb.NewMessage(md)
		if err := protojson.Unmarshal(js, want); err != nil {
			t.Fatalf("Append took %q, which protojson refuses: %v", js, err)
		}
		got := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(b, got); err != nil || !proto.Equal(got, want) {
			t.Fatalf("%q: Append made %v (%v), protojson %v", js, got, err, want)
		}
	})
}
