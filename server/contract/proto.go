package contract

import (
	_ "embed"
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gitpod-mock/orgmock/server/contract/gitpodv1"
)

// descriptorSet is proto/gitpod/v1/organization.proto compiled with its imports (go
// generate; CI checks it is fresh).
//
//go:embed descriptor.binpb
var descriptorSet []byte

// ServiceName is the RPC service whose methods the contract's operations are.
const ServiceName = "gitpod.v1.OrganizationService"

// DescriptorSet is the wire schema of the contract's operations, as compiled: the
// FileDescriptorSet of organization.proto and its imports, dependencies first.
func DescriptorSet() []byte { return descriptorSet }

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
