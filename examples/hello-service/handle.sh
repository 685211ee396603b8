#!/bin/sh
# One HTTP exchange on stdin/stdout (nc -e). GET /live: the process is up (the container health check).
# GET /health: the service can serve (what the smoke test and a load balancer ask); BUG=unhealthy fails it.
cr=$(printf '\r')
read -r method target _ || exit 0
while read -r header && [ "${header%"$cr"}" != '' ]; do :; done
path=${target%%\?*}

respond() {
  printf 'HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "${#2}" "$2"
}

case "$method $path" in
  'GET /live') respond '200 OK' '{"status":"alive"}' ;;
  'GET /health')
    if [ "${BUG:-none}" = unhealthy ]; then
      respond '503 Service Unavailable' \
        "{\"status\":\"unhealthy\",\"version\":\"$VERSION\",\"error\":\"database migration 042 is missing\"}"
    else
      respond '200 OK' "{\"status\":\"healthy\",\"version\":\"$VERSION\"}"
    fi
    ;;
  *) respond '404 Not Found' '{"error":"not found"}' ;;
esac
