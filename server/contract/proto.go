package contract

import (
	_ "embed"
	"fmt"
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/gitpod-mock/orgmock/server/contract/gitpodv1"
)

// descriptorSet is proto/gitpod/v1/organization.proto compiled with its imports (go
// generate; CI checks it is fresh).
//
//go:embed descriptor.binpb
var descriptorSet []byte

// ServiceName is the RPC service whose methods the contract's operations are.
const ServiceName = "gitpod.v1.OrganizationService"

var files = sync.OnceValues(func() (*protoregistry.Files, error) {
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(descriptorSet, &set); err != nil {
		return nil, fmt.Errorf("contract: descriptor.binpb: %w", err)
	}
	f, err := protodesc.NewFiles(&set)
	if err != nil {
		return nil, fmt.Errorf("contract: descriptor.binpb: %w", err)
	}
	return f, nil
})

// DescriptorSet is the wire schema of the contract's operations, as compiled: the
// FileDescriptorSet of organization.proto and its imports, dependencies first.
func DescriptorSet() []byte { return descriptorSet }

// Files are the descriptors of DescriptorSet.
func Files() (*protoregistry.Files, error) { return files() }

// Service is the descriptor of ServiceName, from the generated Go types (package gitpodv1):
// its messages are generated ones, which the transcoder encodes and decodes several times
// faster than dynamic messages built from DescriptorSet.
func Service() (protoreflect.ServiceDescriptor, error) {
	sd := gitpodv1.File_gitpod_v1_organization_proto.Services().ByName(protoreflect.FullName(ServiceName).Name())
	if sd == nil || sd.FullName() != ServiceName {
		return nil, fmt.Errorf("contract: the generated types hold no %s", ServiceName)
	}
	return sd, nil
}
