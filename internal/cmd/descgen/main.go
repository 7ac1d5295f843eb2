// Command descgen compiles the mock's .proto files into one binary FileDescriptorSet (the
// files and every file they import, in dependency order) and, with -go_out, into Go types
// (what protoc-gen-go writes, from its own generator package), for go generate:
//
//	go run ./internal/cmd/descgen -root proto -o server/contract/descriptor.binpb \
//	    -go_out . -go_module github.com/gitpod-mock/orgmock gitpod/v1/organization.proto
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
	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
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
	goOut := fset.String("go_out", "", "directory to write Go types under (by go_package, less -go_module); none when empty")
	goModule := fset.String("go_module", "", "the Go module -go_out is the root of")
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
	if err := write(*out, b); err != nil {
		return err
	}
	if *goOut == "" {
		return nil
	}
	return generateGo(set, fset.Args(), *goOut, *goModule)
}

func write(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// generateGo runs protoc-gen-go's generator on the compiled files, as protoc would.
func generateGo(set *descriptorpb.FileDescriptorSet, files []string, outDir, module string) error {
	req := &pluginpb.CodeGeneratorRequest{FileToGenerate: files, ProtoFile: set.File, Parameter: proto.String("module=" + module)}
	plugin, err := protogen.Options{}.New(req)
	if err != nil {
		return err
	}
	for _, f := range plugin.Files {
		if f.Generate {
			gengo.GenerateFile(plugin, f)
		}
	}
	res := plugin.Response()
	if res.Error != nil {
		return errors.New(res.GetError())
	}
	for _, f := range res.File {
		if err := write(filepath.Join(outDir, f.GetName()), []byte(f.GetContent())); err != nil {
			return err
		}
	}
	return nil
}

// fromGoPackages finds an import among the descriptors linked into this program.
func fromGoPackages(path string) (protocompile.SearchResult, error) {
	fd, err := protoregistry.GlobalFiles.FindFileByPath(path)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	return protocompile.SearchResult{Desc: fd}, nil
}
