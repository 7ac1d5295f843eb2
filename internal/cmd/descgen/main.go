// Command descgen compiles the mock's .proto files into one binary FileDescriptorSet (the
// files and every file they import, in dependency order), for go generate:
//
//	go run ./internal/cmd/descgen -root proto -o server/contract/descriptor.binpb gitpod/v1/organization.proto
//
// It uses github.com/bufbuild/protocompile, a Go protobuf compiler, so that no protoc or buf
// binary has to be installed. The imports google/protobuf/*.proto and
// buf/validate/validate.proto come from the descriptors compiled into the Go packages that
// define them. The output is deterministic: the same sources give the same bytes, so CI can
// tell a stale descriptor by regenerating it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	_ "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate" // registers buf/validate/validate.proto
	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "descgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fset := flag.NewFlagSet("descgen", flag.ContinueOnError)
	fset.SetOutput(stderr)
	root := fset.String("root", ".", "directory the .proto files and their imports are found in")
	out := fset.String("o", "", "where to write the FileDescriptorSet")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *out == "" || fset.NArg() == 0 {
		return errors.New("usage: descgen -root DIR -o OUT FILE.proto...")
	}
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(protocompile.CompositeResolver{
			&protocompile.SourceResolver{ImportPaths: []string{*root}},
			protocompile.ResolverFunc(fromGoPackages),
		}),
		SourceInfoMode: protocompile.SourceInfoNone,
	}
	files, err := compiler.Compile(context.Background(), fset.Args()...)
	if err != nil {
		return err
	}
	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	var add func(protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) { // dependencies first, each once
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		imports := f.Imports()
		for i := range imports.Len() {
			add(imports.Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(f))
	}
	for _, f := range files {
		add(f)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(set)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

// fromGoPackages finds an import among the descriptors linked into this program.
func fromGoPackages(path string) (protocompile.SearchResult, error) {
	fd, err := protoregistry.GlobalFiles.FindFileByPath(path)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	return protocompile.SearchResult{Desc: fd}, nil
}
