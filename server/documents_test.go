package server_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gitpod-mock/orgmock"
	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// TestContractIsServed: GET /openapi.yaml answers the API's own document as written, and GET
// /descriptors.binpb the service's descriptors, complete enough to build (every import in), with
// no token, even with the control plane off, at the root and under /api.
func TestContractIsServed(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{Control: server.Control{Disabled: true}}))
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}

	res, doc := get(server.OpenAPIPath)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/yaml" || !bytes.Equal(doc, orgmock.OpenAPI) {
		t.Fatalf("GET %s: %d %q, %d bytes; want openapi.yaml as written", server.OpenAPIPath, res.StatusCode, res.Header.Get("Content-Type"), len(doc))
	}
	loaded, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		t.Fatalf("the served document does not load: %v", err)
	}
	if n := len(loaded.Paths.Map()); n != len(srv.Spec().OperationIDs()) {
		t.Errorf("the served document has %d paths, the mock serves %d operations", n, len(srv.Spec().OperationIDs()))
	}

	res, raw := get(server.DescriptorsPath)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Fatalf("GET %s: %d %q", server.DescriptorsPath, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(raw, &set); err != nil {
		t.Fatalf("not a FileDescriptorSet: %v", err)
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatalf("the descriptors do not build (an import missing?): %v", err)
	}
	d, err := files.FindDescriptorByName("gitpod.v1.OrganizationService")
	if err != nil {
		t.Fatal(err)
	}
	if n := d.(protoreflect.ServiceDescriptor).Methods().Len(); n != len(srv.Spec().OperationIDs()) {
		t.Errorf("the served service has %d methods, the mock serves %d operations", n, len(srv.Spec().OperationIDs()))
	}

	// Under the official base URL's path too, as everything the mock serves at the root.
	if res, b := get(server.BasePath + server.OpenAPIPath); res.StatusCode != 200 || !bytes.Equal(b, orgmock.OpenAPI) {
		t.Errorf("GET %s%s: %d", server.BasePath, server.OpenAPIPath, res.StatusCode)
	}
}
