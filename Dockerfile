# speicherd in a container: docker build -t speicherd . && docker run -p 11211:11211 -p 14567:14567 speicherd
#
# Plain Dockerfile syntax only (no BuildKit-only RUN --mount): the Testcontainers tests build this
# file through the Docker API, which may use the classic builder.

# ---- build: the runnable jar, from the sources ------------------------------------------------
FROM maven:3-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
# Only the server and the modules it needs (-pl kv-server -am): the test and benchmark modules
# would only add downloads. Their tests are compiled, not run.
RUN mvn -B -q -ntp -pl kv-server -am package -DskipTests \
 && cp kv-server/target/kv-server.jar /speicherd.jar

# ---- runtime: a JRE, the jar and nothing else -------------------------------------------------
FROM eclipse-temurin:25-jre

# A system user of its own (numeric ids, so that runAsNonRoot-style checks can see it is not root),
# owning the data directory.
RUN groupadd --system --gid 10001 speicherd \
 && useradd --system --uid 10001 --gid speicherd --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin speicherd \
 && mkdir -p /app /data \
 && chown speicherd:speicherd /data

COPY --from=build /speicherd.jar /app/speicherd.jar

# Defaults as environment variables rather than CMD flags, so that flags given to `docker run`
# add to them instead of replacing them (a flag still wins over its variable):
# listen on every interface of the container, keep the log engine's files in the volume.
# The engine stays the jar's default (memory); -e SPEICHERD_ENGINE=log or --engine log makes
# the data in /data survive a restart.
ENV SPEICHERD_LISTEN=0.0.0.0 \
    SPEICHERD_DATA_DIR=/data

USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 14567 11211

# Healthy when the memcached listener answers `version`. The image has bash but no nc, so the
# check opens the socket with bash's /dev/tcp. It reads the port from the environment: set
# SPEICHERD_MEMCACHED_PORT (not -p) when moving that port. Either port speaks either protocol.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SPEICHERD_MEMCACHED_PORT:-11211} && printf 'version\\r\\n' >&3 && read -r -t 3 reply <&3 && [[ $reply == VERSION* ]]"]

# java is PID 1 (exec form), so `docker stop`'s SIGTERM reaches the server, which closes its
# listeners, finishes the requests in hand, flushes the store and exits 0.
# JVM flags for a cache, as bin/speicherd's (README, "JVM settings"): G1 with a 10 ms pause goal
# (its default of 200 ms lets young pauses copy tens of MB of new items while requests wait),
# the heap sized from the container's memory limit (keep speicherd's -m, default 64m, below
# it), and exit at once on an OutOfMemoryError so the orchestrator restarts the container
# instead of it limping on, and C2 inlining methods compiled to up to 6,000 bytes (the store's
# read is about 4,000). No huge pages: they lengthen G1's young pauses (README, "JVM
# settings"). More JVM options: -e JAVA_TOOL_OPTIONS=... (e.g. -XX:+UseZGC).
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:InlineSmallCode=6000", "-jar", "/app/speicherd.jar"]
