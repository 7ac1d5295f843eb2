package server

import (
	"context"
	"errors"
	"github.com/gitpod-mock/orgmock/server/api"
)

func (handlers) CreateOrganization(ctx context.Context, req api.CreateOrganizationRequestObject) (api.CreateOrganizationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) JoinOrganization(ctx context.Context, req api.JoinOrganizationRequestObject) (api.JoinOrganizationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) GetOrganization(ctx context.Context, req api.GetOrganizationRequestObject) (api.GetOrganizationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) UpdateOrganization(ctx context.Context, req api.UpdateOrganizationRequestObject) (api.UpdateOrganizationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) DeleteOrganization(ctx context.Context, req api.DeleteOrganizationRequestObject) (api.DeleteOrganizationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) ListMembers(ctx context.Context, req api.ListMembersRequestObject) (api.ListMembersResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) SetRole(ctx context.Context, req api.SetRoleRequestObject) (api.SetRoleResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) CreateOrganizationInvite(ctx context.Context, req api.CreateOrganizationInviteRequestObject) (api.CreateOrganizationInviteResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) GetOrganizationInvite(ctx context.Context, req api.GetOrganizationInviteRequestObject) (api.GetOrganizationInviteResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) GetOrganizationInviteSummary(ctx context.Context, req api.GetOrganizationInviteSummaryRequestObject) (api.GetOrganizationInviteSummaryResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) LeaveOrganization(ctx context.Context, req api.LeaveOrganizationRequestObject) (api.LeaveOrganizationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) CreateDomainVerification(ctx context.Context, req api.CreateDomainVerificationRequestObject) (api.CreateDomainVerificationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) GetDomainVerification(ctx context.Context, req api.GetDomainVerificationRequestObject) (api.GetDomainVerificationResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) ListDomainVerifications(ctx context.Context, req api.ListDomainVerificationsRequestObject) (api.ListDomainVerificationsResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) VerifyDomain(ctx context.Context, req api.VerifyDomainRequestObject) (api.VerifyDomainResponseObject, error) {
	return nil, errors.New("todo")
}
func (handlers) DeleteDomainVerification(ctx context.Context, req api.DeleteDomainVerificationRequestObject) (api.DeleteDomainVerificationResponseObject, error) {
	return nil, errors.New("todo")
}
