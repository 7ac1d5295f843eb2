// Package rpctest calls the mock the way generated clients do, in every protocol a Connect
// server speaks: connect-go clients over dynamic messages built from the contract's
// descriptors, written and read as JSON. Only the mock's own tests use it.
package rpctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/gitpod-mock/orgmock/server/contract"
)

// Protocol is one way a real client calls the mock.
type Protocol struct {
	Name    string                 // as the journal names it, with " gzip" for a compressed variant
	Options []connect.ClientOption // what makes a connect-go client speak it
	H2C     bool                   // gRPC needs HTTP/2: without TLS, with prior knowledge
}

// Protocols are what connect-go's clients speak: every protocol and codec of a Connect
// server, and gzip.
var Protocols = []Protocol{
	{Name: "connect+proto"},
	{Name: "connect+json", Options: []connect.ClientOption{connect.WithProtoJSON()}},
	{Name: "connect+proto gzip", Options: []connect.ClientOption{connect.WithSendGzip()}},
	{Name: "connect-get+proto", Options: []connect.ClientOption{connect.WithHTTPGet()}},
	{Name: "connect-get+json", Options: []connect.ClientOption{connect.WithHTTPGet(), connect.WithProtoJSON()}},
	{Name: "grpc+proto", Options: []connect.ClientOption{connect.WithGRPC()}, H2C: true},
	{Name: "grpc+json", Options: []connect.ClientOption{connect.WithGRPC(), connect.WithProtoJSON()}, H2C: true},
	{Name: "grpc+proto gzip", Options: []connect.ClientOption{connect.WithGRPC(), connect.WithSendGzip()}, H2C: true},
	{Name: "grpc-web+proto", Options: []connect.ClientOption{connect.WithGRPCWeb()}},
	{Name: "grpc-web+json", Options: []connect.ClientOption{connect.WithGRPCWeb(), connect.WithProtoJSON()}},
}

// HTTPClient is an HTTP client for p: HTTP/2 without TLS for gRPC, else HTTP/1.1.
func HTTPClient(p Protocol) *http.Client {
	hc := &http.Client{Timeout: 10 * time.Second}
	if p.H2C {
		tr := &http.Transport{Protocols: new(http.Protocols)}
		tr.Protocols.SetUnencryptedHTTP2(true)
		hc.Transport = tr
	}
	return hc
}

// Client calls the contract's service in one protocol.
type Client struct {
	Token   string      // sent as "Authorization: Bearer <Token>" when set
	Session string      // sent as X-Mock-Session when set
	Header  http.Header // more headers for every call

	svc  protoreflect.ServiceDescriptor
	http connect.HTTPClient
	base string
	opts []connect.ClientOption
}

// New returns a client of p for the mock at base (e.g. http://127.0.0.1:4010/api).
func New(p Protocol, base string) (*Client, error) {
	svc, err := contract.Service()
	if err != nil {
		return nil, err
	}
	return &Client{svc: svc, http: HTTPClient(p), base: base, opts: p.Options, Header: http.Header{}}, nil
}

// Call sends the request given as JSON (protojson) and returns the answer as JSON, or the
// error the client saw: a *connect.Error (see connect.CodeOf and Message).
func (c *Client) Call(method, request string) (map[string]any, error) {
	md := c.svc.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return nil, connect.NewError(connect.CodeInternal, fmt.Errorf("rpctest: no method %s", method))
	}
	in := dynamicpb.NewMessage(md.Input())
	if err := protojson.Unmarshal([]byte(request), in); err != nil {
		return nil, connect.NewError(connect.CodeInternal, fmt.Errorf("rpctest: request %s: %w", request, err))
	}
	opts := append([]connect.ClientOption{
		connect.WithSchema(md),
		connect.WithResponseInitializer(func(_ connect.Spec, msg any) error {
			*(msg.(*dynamicpb.Message)) = *dynamicpb.NewMessage(md.Output())
			return nil
		}),
	}, c.opts...)
	if md.Options().(*descriptorpb.MethodOptions).GetIdempotencyLevel() == descriptorpb.MethodOptions_NO_SIDE_EFFECTS {
		opts = append(opts, connect.WithIdempotency(connect.IdempotencyNoSideEffects)) // as generated clients say
	}
	client := connect.NewClient[dynamicpb.Message, dynamicpb.Message](c.http,
		c.base+"/"+string(c.svc.FullName())+"/"+method, opts...)
	req := connect.NewRequest(in)
	for k, vs := range c.Header {
		req.Header()[k] = vs
	}
	if c.Token != "" {
		req.Header().Set("Authorization", "Bearer "+c.Token)
	}
	if c.Session != "" {
		req.Header().Set("X-Mock-Session", c.Session)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := client.CallUnary(ctx, req)
	if err != nil {
		var ce *connect.Error
		if errors.As(err, &ce) {
			return nil, ce
		}
		return nil, connect.NewError(connect.CodeUnknown, err)
	}
	b, err := protojson.Marshal(res.Msg)
	if err != nil {
		return nil, connect.NewError(connect.CodeInternal, err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, connect.NewError(connect.CodeInternal, err)
	}
	return out, nil
}

// Message is the message of a *connect.Error, without the code connect-go puts before it
// in Error(); "" for nil.
func Message(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
