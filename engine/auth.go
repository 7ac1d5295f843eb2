package engine

import (
	"strings"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// authenticate reads the bearer token of an operation with a security requirement and asks
// the session's state whom it acts for.
func (s *Server) authenticate(c *call) error {
	if !c.route.Secured {
		return nil
	}
	token, err := bearer(c.req.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	principal, ok := c.state.Authenticate(token)
	if !ok {
		return connect.Errorf(connect.Unauthenticated, "Authorization: unknown bearer token")
	}
	c.principal = principal
	return nil
}

// bearer reads the token of an "Authorization: Bearer <token>" header: the one parser of the
// API and the control plane.
func bearer(header string) (string, error) {
	if header == "" {
		return "", connect.Errorf(connect.Unauthenticated, `missing bearer token: send "Authorization: Bearer <token>"`)
	}
	scheme, token, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", connect.Errorf(connect.Unauthenticated, `Authorization: must use the Bearer scheme ("Authorization: Bearer <token>")`)
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", connect.Errorf(connect.Unauthenticated, "Authorization: the bearer token is empty")
	}
	return token, nil
}
