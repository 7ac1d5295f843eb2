package server

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
)

// Organization policies: one record per organization, kept as the API's JSON (see
// store/policies.go for the rules of an update).

// GetOrganizationPolicies implements api.StrictServerInterface.
func (handlers) GetOrganizationPolicies(ctx context.Context, req api.GetOrganizationPoliciesRequestObject) (api.GetOrganizationPoliciesResponseObject, error) {
	org := req.Body.OrganizationId.String()
	p, err := storeOf(ctx).GetPolicies(caller(ctx), org)
	if err != nil {
		return nil, err
	}
	var out api.OrganizationPolicies
	if err := roundTrip(p, &out); err != nil {
		return nil, err
	}
	out.OrganizationId = uuid.MustParse(org)
	return api.GetOrganizationPolicies200JSONResponse{Policies: out}, nil
}

// UpdateOrganizationPolicies implements api.StrictServerInterface.
func (handlers) UpdateOrganizationPolicies(ctx context.Context, req api.UpdateOrganizationPoliciesRequestObject) (api.UpdateOrganizationPoliciesResponseObject, error) {
	// The request's fields that are present: the generated type leaves out what is absent or
	// null (every optional field is a pointer with omitempty).
	var patch map[string]any
	if err := roundTrip(req.Body, &patch); err != nil {
		return nil, err
	}
	delete(patch, "organizationId")
	if err := storeOf(ctx).UpdatePolicies(caller(ctx), req.Body.OrganizationId.String(), patch); err != nil {
		return nil, err
	}
	return api.UpdateOrganizationPolicies200JSONResponse{}, nil
}

// roundTrip converts in to out through JSON.
func roundTrip(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
