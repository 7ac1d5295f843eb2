# syntax=docker/dockerfile:1
# The mock as a small container: a static binary on distroless, non-root, listening on :4010.
#   docker build -t gitpod-org-mock --build-arg REVISION=$(git rev-parse HEAD) .
#   docker buildx build --platform linux/amd64,linux/arm64 -t gitpod-org-mock .   # both images
# The build stage runs on the builder's own platform and cross-compiles for the target's
# (Go needs no emulation for that).
#   docker run --rm -p 4010:4010 gitpod-org-mock
#   docker run --rm -p 4010:4010 -v $PWD/my-fixtures:/fixtures:ro -e MOCK_FIXTURES=/fixtures gitpod-org-mock

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG REVISION=""
# Set by BuildKit to the platform the image is for (buildx --platform); empty with the legacy
# builder, where Go then builds for the host.
ARG TARGETOS=linux
ARG TARGETARCH
# Static (no cgo), reproducible paths, stripped. Generated code is checked in: no go generate.
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -ldflags "-s -w -X main.revision=${REVISION}" -o /out/mock ./cmd/mock

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mock /mock
# All interfaces inside the container; the embedded fixtures unless MOCK_FIXTURES names a mount.
ENV MOCK_ADDR=:4010
EXPOSE 4010
USER 65532:65532
# No shell or curl in this image: the binary checks itself.
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/mock", "healthcheck"]
ENTRYPOINT ["/mock"]
