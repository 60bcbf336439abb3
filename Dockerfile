# syntax=docker/dockerfile:1.7
#
# twophase container images (Quarkus fast-jar + DeepLearning4J).
#
#   CPU image (default target, used for API and CPU workers):
#     docker build -t twophase:0.1.0-SNAPSHOT .
#   GPU worker image (ND4J CUDA 11.6 backend, needs an NVIDIA driver >= 510 on the node):
#     docker build --target gpu --build-arg MAVEN_PROFILES=cuda -t twophase-worker-gpu:0.1.0-SNAPSHOT .
#
# Run locally (without QUARKUS_DATASOURCE_JDBC_URL the app starts an embedded PostgreSQL):
#     docker run --rm -p 8080:8080 twophase:0.1.0-SNAPSHOT
# Extra JVM flags go in JAVA_OPTS; they come after the image defaults, so they win:
#     docker run -e JAVA_OPTS="-XX:MaxRAMPercentage=50" ...

############################################################################
# build: Maven package -> target/quarkus-app (fast-jar)
############################################################################
# quarkus-maven-plugin 3.33.2 declares requiredMavenVersion 3.9.12, so the
# Maven in this image must be >= 3.9.12.
FROM maven:3.9.12-eclipse-temurin-17 AS build
WORKDIR /build
# Empty = default (CPU, nd4j-native). "cuda" = nd4j-cuda-11.6 (for --target gpu).
ARG MAVEN_PROFILES=""

# Dependency layer: only re-run when the POM or the Maven config changes.
COPY pom.xml mvnw ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp ${MAVEN_PROFILES:+-P${MAVEN_PROFILES}} dependency:go-offline

COPY src src
COPY migrations migrations
# Not offline (-o): go-offline does not see everything the Quarkus build
# resolves lazily (deployment artifacts); the cache mount keeps it cheap.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp ${MAVEN_PROFILES:+-P${MAVEN_PROFILES}} -DskipTests package \
 && test -f target/quarkus-app/quarkus-run.jar

############################################################################
# jre: the pinned Temurin 17 JRE (base of the CPU image, source of the GPU image's JRE)
############################################################################
FROM eclipse-temurin:17.0.16_8-jre-jammy AS jre

############################################################################
# gpu: CUDA 11.6 + cuDNN 8 runtime with the Temurin JRE copied in.
#   docker build --target gpu --build-arg MAVEN_PROFILES=cuda -t twophase-worker-gpu .
############################################################################
FROM nvidia/cuda:11.6.2-cudnn8-runtime-ubuntu20.04 AS gpu
ENV JAVA_HOME=/opt/java/openjdk \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 twophase \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin twophase \
 && mkdir -p /app/javacpp-cache /app/data \
 && chown 10001:10001 /app/javacpp-cache /app/data \
 && java -version

WORKDIR /app
# Fast-jar, one layer per part, least frequently changing first.
COPY --from=build /build/target/quarkus-app/lib/ /app/lib/
COPY --from=build /build/target/quarkus-app/*.jar /app/
COPY --from=build /build/target/quarkus-app/app/ /app/app/
COPY --from=build /build/target/quarkus-app/quarkus/ /app/quarkus/
# Refuse to produce a "GPU" image that carries the CPU backend.
RUN ls /app/lib/main | grep -q 'nd4j-cuda-11\.6' \
 || { echo "gpu target needs --build-arg MAVEN_PROFILES=cuda (nd4j-cuda-11.6 missing from lib/main)" >&2; exit 1; }

# ND4J keeps tensors off-heap (JavaCPP); its default off-heap ceiling is tied to
# -Xmx (maxBytes = max heap, maxPhysicalBytes = 2 x max heap), so a 40% heap
# leaves the rest of the container limit for natives, metaspace and threads.
ENV HOME=/app \
    TWOPHASE_WORKER_DEVICE=gpu \
    QUARKUS_HTTP_HOST=0.0.0.0 \
    JAVA_OPTS_BASE="-XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=10 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dorg.bytedeco.javacpp.cachedir=/app/javacpp-cache" \
    JAVA_OPTS=""
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/q/health/ready || exit 1
# sh only expands JAVA_OPTS; exec makes java PID 1 so SIGTERM reaches Quarkus.
ENTRYPOINT ["/bin/sh", "-c", "exec java ${JAVA_OPTS_BASE} ${JAVA_OPTS} -jar /app/quarkus-run.jar \"$@\"", "twophase"]

############################################################################
# runtime (default target): CPU image for the API and CPU workers
############################################################################
FROM jre AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 twophase \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin twophase \
 && mkdir -p /app/javacpp-cache /app/data \
 && chown 10001:10001 /app/javacpp-cache /app/data

WORKDIR /app
# Fast-jar, one layer per part, least frequently changing first. Files stay
# root-owned (read-only for the app user); only the cache and data dirs are writable.
COPY --from=build /build/target/quarkus-app/lib/ /app/lib/
COPY --from=build /build/target/quarkus-app/*.jar /app/
COPY --from=build /build/target/quarkus-app/app/ /app/app/
COPY --from=build /build/target/quarkus-app/quarkus/ /app/quarkus/
# Refuse to produce a CPU image that carries the CUDA backend.
RUN ! ls /app/lib/main | grep -q 'nd4j-cuda' \
 || { echo "default target must be built without MAVEN_PROFILES=cuda (use --target gpu)" >&2; exit 1; }

ENV HOME=/app \
    QUARKUS_HTTP_HOST=0.0.0.0 \
    JAVA_OPTS_BASE="-XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=10 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dorg.bytedeco.javacpp.cachedir=/app/javacpp-cache" \
    JAVA_OPTS=""
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/q/health/ready || exit 1
# sh only expands JAVA_OPTS; exec makes java PID 1 so SIGTERM reaches Quarkus.
ENTRYPOINT ["/bin/sh", "-c", "exec java ${JAVA_OPTS_BASE} ${JAVA_OPTS} -jar /app/quarkus-run.jar \"$@\"", "twophase"]
