# syntax=docker/dockerfile:1
# One image, four entry points: microreach-search, -scoring, -outreach and
# -campaign (plus microreach-probe for health checks). Compose and Kubernetes
# pick the service with `command:`.
#
#   docker build -t microreach:dev .
#   docker run --rm -e MICROREACH_GRPC_ADDRESS=0.0.0.0:50052 \
#     -e MICROREACH_METRICS_ADDRESS=0.0.0.0:9465 -e MICROREACH_REDIS_ADDRESS= \
#     -p 50052:50052 microreach:dev microreach-scoring

# The builder has the compilers and the -dev packages; none of it ships.
FROM debian:12 AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev \
      libhiredis-dev prometheus-cpp-dev libroaring-dev libsqlite3-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the shipped binaries: tests and benchmarks run on the host
# (scripts/test.sh), not here.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMR_BUILD_TESTS=OFF -DMR_BUILD_BENCH=OFF -DMR_WERROR=ON \
 && cmake --build /build --target microreach-search microreach-scoring \
      microreach-outreach microreach-campaign microreach-probe \
 && install -d /opt/microreach/bin \
 && install -s -m 0755 /build/services/search/microreach-search \
      /build/services/scoring/microreach-scoring /build/services/outreach/microreach-outreach \
      /build/services/campaign/microreach-campaign /build/tools/probe/microreach-probe \
      /opt/microreach/bin/

# The runtime image has only the shared libraries the binaries link against.
FROM debian:12-slim AS runtime
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libabsl20220623 libhiredis0.14 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 \
      libsqlite3-0 libpq5 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/microreach/bin/microreach-search /opt/microreach/bin/microreach-scoring \
     /opt/microreach/bin/microreach-outreach /opt/microreach/bin/microreach-campaign \
     /opt/microreach/bin/microreach-probe /usr/local/bin/
# Fail the build, not the first start, when a runtime library is missing.
RUN if ldd /usr/local/bin/microreach-* | grep 'not found'; then exit 1; fi

# A fixed numeric uid so that Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 microreach \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /var/lib/microreach --shell /usr/sbin/nologin microreach \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/microreach
USER 10001:10001
WORKDIR /var/lib/microreach
ENV MICROREACH_DATA_DIR=/var/lib/microreach
EXPOSE 50051 50052 50053 50054 9464 9465 9466 9467
# Probes the port the service was told to listen on (MICROREACH_GRPC_ADDRESS).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD addr="${MICROREACH_GRPC_ADDRESS:-0.0.0.0:50051}"; \
      microreach-probe health --address="127.0.0.1:${addr##*:}" --timeout=3s >/dev/null || exit 1
