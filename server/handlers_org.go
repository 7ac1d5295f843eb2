package server

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// Organizations, members and invites: the identity half of the service.

// CreateOrganization implements api.StrictServerInterface.
func (handlers) CreateOrganization(ctx context.Context, req api.CreateOrganizationRequestObject) (api.CreateOrganizationResponseObject, error) {
	b := req.Body
	o, m, err := storeOf(ctx).CreateOrganization(caller(ctx), store.OrganizationCreate{
		Name:                 b.Name,
		Join:                 deref(b.JoinOrganization),
		InviteMatchingDomain: deref(b.InviteAccountsWithMatchingDomain),
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateOrganization200JSONResponse{Organization: orgToAPI(o)}
	if m != nil {
		member := memberToAPI(*m)
		out.Member = &member
	}
	return out, nil
}

// JoinOrganization implements api.StrictServerInterface.
func (handlers) JoinOrganization(ctx context.Context, req api.JoinOrganizationRequestObject) (api.JoinOrganizationResponseObject, error) {
	var in store.Join
	if id := req.Body.InviteId; id != nil {
		in.InviteID = id.String()
	}
	if id := req.Body.OrganizationId; id != nil {
		in.OrganizationID = id.String()
	}
	m, err := storeOf(ctx).JoinOrganization(caller(ctx), in)
	if err != nil {
		return nil, err
	}
	return api.JoinOrganization200JSONResponse{Member: memberToAPI(m)}, nil
}

// GetOrganization implements api.StrictServerInterface.
func (handlers) GetOrganization(ctx context.Context, req api.GetOrganizationRequestObject) (api.GetOrganizationResponseObject, error) {
	o, err := storeOf(ctx).GetOrganization(caller(ctx), req.Body.OrganizationId.String())
	if err != nil {
		return nil, err
	}
	return api.GetOrganization200JSONResponse{Organization: orgToAPI(o)}, nil
}

// UpdateOrganization implements api.StrictServerInterface.
func (handlers) UpdateOrganization(ctx context.Context, req api.UpdateOrganizationRequestObject) (api.UpdateOrganizationResponseObject, error) {
	b := req.Body
	in := store.OrganizationUpdate{ID: b.OrganizationId.String(), Name: b.Name}
	if b.InviteDomains != nil {
		domains := deref(b.InviteDomains.Domains)
		in.InviteDomains = &domains
	}
	o, err := storeOf(ctx).UpdateOrganization(caller(ctx), in)
	if err != nil {
		return nil, err
	}
	return api.UpdateOrganization200JSONResponse{Organization: orgToAPI(o)}, nil
}

// DeleteOrganization implements api.StrictServerInterface.
func (handlers) DeleteOrganization(ctx context.Context, req api.DeleteOrganizationRequestObject) (api.DeleteOrganizationResponseObject, error) {
	if err := storeOf(ctx).DeleteOrganization(caller(ctx), req.Body.OrganizationId.String()); err != nil {
		return nil, err
	}
	return api.DeleteOrganization200JSONResponse{}, nil
}

// ListMembers implements api.StrictServerInterface.
func (handlers) ListMembers(ctx context.Context, req api.ListMembersRequestObject) (api.ListMembersResponseObject, error) {
	b := req.Body
	q := store.MemberQuery{OrganizationID: b.OrganizationId.String(), Count: b.Count != nil && deref(b.Count.Include)}
	if f := b.Filter; f != nil {
		q.Search = deref(f.Search)
		q.Statuses = enumStrings(f.Statuses)
		q.Roles = enumStrings(f.Roles)
		if f.UserIds != nil && len(*f.UserIds) > 0 {
			q.UserIDs = make([]string, len(*f.UserIds))
			for i, id := range *f.UserIds {
				q.UserIDs[i] = id.String()
			}
		}
	}
	if s := b.Sort; s != nil {
		field, order := string(deref(s.Field)), deref(s.Order)
		if field != "" && field != string(api.SortFieldSORTFIELDUNSPECIFIED) || order != "" && order != api.SortOrderSORTORDERUNSPECIFIED {
			q.SortField = store.SortByName
			if field == string(api.SortFieldSORTFIELDDATEJOINED) {
				q.SortField = store.SortByJoined
			}
			q.Desc = order == api.SortOrderSORTORDERDESC
		}
	}
	members, next, count, err := storeOf(ctx).ListMembers(caller(ctx), q, pageRequest(req.Params.Token, req.Params.PageSize, b.Pagination))
	if err != nil {
		return nil, err
	}
	out := api.ListMembers200JSONResponse{
		Pagination: api.PaginationResponse{NextToken: nonZero(next)},
		Members:    make([]api.OrganizationMember, len(members)), // [] rather than null when none match
	}
	for i, m := range members {
		out.Members[i] = memberToAPI(m)
	}
	if q.Count {
		eq := api.CountResponseRelationCOUNTRESPONSERELATIONEQ
		out.Count = &api.CountResponse{Value: nonZero(int32(count)), Relation: &eq}
	}
	return out, nil
}

// SetRole implements api.StrictServerInterface.
func (handlers) SetRole(ctx context.Context, req api.SetRoleRequestObject) (api.SetRoleResponseObject, error) {
	b := req.Body
	if err := storeOf(ctx).SetRole(caller(ctx), b.OrganizationId.String(), b.UserId.String(), string(deref(b.Role))); err != nil {
		return nil, err
	}
	return api.SetRole200JSONResponse{}, nil
}

// LeaveOrganization implements api.StrictServerInterface.
func (handlers) LeaveOrganization(ctx context.Context, req api.LeaveOrganizationRequestObject) (api.LeaveOrganizationResponseObject, error) {
	if err := storeOf(ctx).LeaveOrganization(caller(ctx), req.Body.UserId.String()); err != nil {
		return nil, err
	}
	return api.LeaveOrganization200JSONResponse{}, nil
}

// CreateOrganizationInvite implements api.StrictServerInterface.
func (handlers) CreateOrganizationInvite(ctx context.Context, req api.CreateOrganizationInviteRequestObject) (api.CreateOrganizationInviteResponseObject, error) {
	id, err := storeOf(ctx).CreateInvite(caller(ctx), req.Body.OrganizationId.String())
	if err != nil {
		return nil, err
	}
	return api.CreateOrganizationInvite200JSONResponse{Invite: api.OrganizationInvite{InviteId: uuid.MustParse(id)}}, nil
}

// GetOrganizationInvite implements api.StrictServerInterface.
func (handlers) GetOrganizationInvite(ctx context.Context, req api.GetOrganizationInviteRequestObject) (api.GetOrganizationInviteResponseObject, error) {
	id, err := storeOf(ctx).GetInvite(caller(ctx), req.Body.OrganizationId.String())
	if err != nil {
		return nil, err
	}
	return api.GetOrganizationInvite200JSONResponse{Invite: api.OrganizationInvite{InviteId: uuid.MustParse(id)}}, nil
}

// GetOrganizationInviteSummary implements api.StrictServerInterface.
func (handlers) GetOrganizationInviteSummary(ctx context.Context, req api.GetOrganizationInviteSummaryRequestObject) (api.GetOrganizationInviteSummaryResponseObject, error) {
	s, err := storeOf(ctx).GetInviteSummary(req.Body.InviteId.String())
	if err != nil {
		return nil, err
	}
	return api.GetOrganizationInviteSummary200JSONResponse{
		OrganizationId:          uuid.MustParse(s.OrganizationID),
		OrganizationName:        nonZero(s.OrganizationName),
		OrganizationMemberCount: nonZero(int32(s.MemberCount)),
	}, nil
}

// orgToAPI renders an organization like protojson: zero values are omitted.
func orgToAPI(o store.Organization) api.Organization {
	out := api.Organization{
		Id:        uuid.MustParse(o.ID),
		Name:      o.Name,
		Tier:      api.OrganizationTier(o.Tier),
		CreatedAt: o.CreatedAt,
		UpdatedAt: o.UpdatedAt,
	}
	if len(o.InviteDomains) > 0 {
		domains := slices.Clone(o.InviteDomains)
		out.InviteDomains = &api.InviteDomains{Domains: &domains}
	}
	return out
}

// memberToAPI renders a membership with its user's profile.
func memberToAPI(m store.Membership) api.OrganizationMember {
	return api.OrganizationMember{
		UserId:        uuid.MustParse(m.UserID),
		Role:          api.OrganizationRole(m.Role),
		MemberSince:   m.Since,
		AvatarUrl:     nonZero(m.User.AvatarURL),
		FullName:      m.User.FullName,
		Email:         m.User.Email,
		Status:        api.UserStatus(m.Status),
		LoginProvider: m.User.LoginProvider,
	}
}

// enumStrings is a list filter of enum values as strings; nil (no filter) when absent or
// empty (protojson reads an empty list as unset).
func enumStrings[T ~string](v *[]T) []string {
	if v == nil || len(*v) == 0 {
		return nil
	}
	out := make([]string, len(*v))
	for i, e := range *v {
		out[i] = string(e)
	}
	return out
}
