#!/bin/sh
# Releases VERSION of APP through staging to production with relops, from any CI system: the same steps as
# examples/ci/github-actions.yml, in POSIX sh.
#   1. docker build and push IMAGE:VERSION (skipped with SKIP_IMAGE=1: the image exists already),
#   2. relops release create APP VERSION -e staging --wait,
#   3. relops release promote-env APP staging production --version VERSION --wait (waits for the approver, then for the release).
# It stops at the first step that fails, with that step's exit code, so the CI job fails with it.
#
# Environment:
#   RELOPS_URL          the relops gateway, e.g. https://relops.example.com
#   RELOPS_TOKEN        a token of the role operator
#   APP                 the application in the relops catalog, e.g. demo-app
#   VERSION             the version to release (and the image tag), e.g. 1.4.0
#   IMAGE               the image repository, e.g. registry.example.com/shop/demo-app (not needed with SKIP_IMAGE=1)
#   SKIP_IMAGE          1: no docker build/push
#   DOCKER_CONTEXT_DIR  what docker builds (default: .)
#   RELOPS              the relops command (default: relops on the PATH; split at spaces, e.g. "java -jar relops.jar")
#   STAGING_TIMEOUT     how long to wait for staging (default: 20m)
#   PRODUCTION_TIMEOUT  how long to wait for the approver and production (default: 8h)
#
# Exit codes (those of relops, docs/cli.md):
#   0  both releases COMPLETED
#   1  a release failed, was rejected or ROLLED_BACK, or a wait timed out
#   2  bad usage or refused input (400); also: a variable of the above is missing
#   3  the token is missing, unknown (401) or lacks the role (403)
#   4  not found (404)
#   5  conflict (409), e.g. production refuses a version that has not completed in staging
#   6  the gateway failed (5xx) or could not be reached
#   other  docker's own, when the image step fails
set -eu

missing=""
for variable in RELOPS_URL RELOPS_TOKEN APP VERSION; do
  eval "value=\${$variable:-}"
  [ -n "$value" ] || missing="$missing $variable"
done
if [ "${SKIP_IMAGE:-0}" != 1 ] && [ -z "${IMAGE:-}" ]; then
  missing="$missing IMAGE"
fi
if [ -n "$missing" ]; then
  echo "release.sh: not set:$missing (see the top of $0)" >&2
  exit 2
fi

RELOPS="${RELOPS:-relops}"
RELOPS_SERVER="$RELOPS_URL"
export RELOPS_SERVER RELOPS_TOKEN

meaning() {
  case "$1" in
    1) echo "the release failed, was rejected or rolled back, or the wait timed out" ;;
    2) echo "bad usage or input the gateway refused" ;;
    3) echo "the token is missing, unknown or lacks the role" ;;
    4) echo "not found" ;;
    5) echo "conflict with the current state (e.g. the version has not completed in staging)" ;;
    6) echo "the gateway failed or could not be reached" ;;
    *) echo "see the command's output above" ;;
  esac
}

# step NAME COMMAND...: runs the command; on failure says which step and exits with its code
step() {
  name="$1"
  shift
  echo "release.sh: $name"
  if "$@"; then
    return 0
  else
    code=$?
  fi
  echo "release.sh: $name failed with exit code $code: $(meaning "$code")" >&2
  exit "$code"
}

if [ "${SKIP_IMAGE:-0}" = 1 ]; then
  echo "release.sh: image: skipped (SKIP_IMAGE=1)"
else
  step "build $IMAGE:$VERSION" docker build -t "$IMAGE:$VERSION" "${DOCKER_CONTEXT_DIR:-.}"
  step "push $IMAGE:$VERSION" docker push "$IMAGE:$VERSION"
fi

step "release $APP $VERSION to staging" \
  $RELOPS release create "$APP" "$VERSION" -e staging --wait --timeout "${STAGING_TIMEOUT:-20m}"

step "promote $APP from staging to production (waits for the approver)" \
  $RELOPS release promote-env "$APP" staging production --version "$VERSION" --wait --timeout "${PRODUCTION_TIMEOUT:-8h}"

echo "release.sh: $APP $VERSION released to staging and production"
