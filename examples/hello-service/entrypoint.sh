#!/bin/sh
# Starts hello-service on $PORT: busybox nc accepts each connection and runs handle.sh for it.
# BUG=crash plays a release that cannot start: it exits at once with $CRASH_EXIT_CODE.
set -u
if [ "${BUG:-none}" = crash ]; then
  echo "hello-service $VERSION: cannot start: required setting DATABASE_URL is missing" >&2
  exit "${CRASH_EXIT_CODE:-3}"
fi
echo "hello-service $VERSION listening on port $PORT"
nc -ll -p "$PORT" -e /app/handle.sh &
server=$!
# As PID 1 a shell gets no default signal handling: stop the server and exit 0 on SIGTERM, as ECS expects.
trap 'kill "$server" 2>/dev/null; exit 0' TERM INT
wait "$server"
