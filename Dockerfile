# syntax=docker/dockerfile:1
# One image per relops service, from its runnable jar (build it first: ./mvnw -B -DskipTests package).
#   docker build --build-arg SERVICE=deploy-service -t relops/deploy-service:0.1.0-SNAPSHOT .
# The jar is split into Spring Boot's layers (dependencies, loader, snapshot dependencies, application),
# one image layer each, so a code change rebuilds and ships only the small application layer.
ARG JAVA_IMAGE=eclipse-temurin:17.0.15_6-jre-noble

FROM ${JAVA_IMAGE} AS layers
ARG SERVICE
WORKDIR /layers
COPY ${SERVICE}/target/${SERVICE}-exec.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${JAVA_IMAGE}
ARG SERVICE
ARG SERVICE_PORT=8080
# Extra OS packages a service needs.
ARG APT_PACKAGES=""
# backup-service: the PostgreSQL client tools (pg_dump, pg_restore) of relops' PostgreSQL major, from the PostgreSQL
# project's apt repository (PGDG; Ubuntu noble itself has only 16's): pg_dump refuses to dump a newer server, so the
# client's major is the server's (docs/packaging.md, "PostgreSQL versions").
ARG PG_CLIENT_MAJOR=""
# curl answers the HEALTHCHECK below; nothing else is added to the JRE image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl ca-certificates ${APT_PACKAGES} \
    && if [ -n "${PG_CLIENT_MAJOR}" ]; then \
         install -d /usr/share/postgresql-common/pgdg \
         && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
              https://www.postgresql.org/media/keys/ACCC4CF8.asc \
         && . /etc/os-release \
         && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
              > /etc/apt/sources.list.d/pgdg.list \
         && apt-get update \
         && apt-get install -y --no-install-recommends "postgresql-client-${PG_CLIENT_MAJOR}" \
         && pg_dump --version | grep -q "(PostgreSQL) ${PG_CLIENT_MAJOR}\." ; \
       fi \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 relops \
    && useradd --system --uid 10001 --gid relops --home-dir /app --shell /usr/sbin/nologin relops \
    && mkdir -p /var/lib/relops \
    && chown relops:relops /var/lib/relops
WORKDIR /app
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
USER 10001:10001
ENV RELOPS_SERVICE=${SERVICE} \
    RELOPS_DATA_DIR=/var/lib/relops \
    SERVICE_PORT=${SERVICE_PORT} \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE ${SERVICE_PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://localhost:${SERVICE_PORT}/actuator/health/readiness" || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
