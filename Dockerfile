# conform in a container: a static binary built from this tree, on Debian
# slim, run as a non-root user.
#
#   docker build -t conform --build-arg CONFORM_COMMIT=$(git rev-parse HEAD) .
#   docker run --rm conform version
#   docker run --rm -v "$PWD/reports:/work/reports" conform run          # the embedded mock
#   docker run --rm -e CONFORM_ENDPOINT -e CONFORM_USER -e CONFORM_PASSWORD \
#     -v "$PWD/reports:/work/reports" conform run                         # an install

FROM golang:1.26-bookworm AS build
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libxml2-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build has no .git (see .dockerignore): give the commit as a build arg.
ARG CONFORM_VERSION=
ARG CONFORM_COMMIT=unknown
RUN CONFORM_VERSION="$CONFORM_VERSION" CONFORM_COMMIT="$CONFORM_COMMIT" scripts/build-static /out/conform \
 && /out/conform version

FROM debian:bookworm-slim
# CA certificates for https endpoints; nothing else is needed at run time.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --create-home --home-dir /work conform
COPY --from=build /out/conform /usr/local/bin/conform
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["conform"]
CMD ["run", "--reports", "/work/reports"]
