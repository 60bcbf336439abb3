#!/usr/bin/env bash
# From `java -jar` to a person seeing the first run's live plot in the web page: starts the packaged
# service as README's start command does (fresh data directory, the bundled example submitted at
# start-up), then plays the person in headless chromium through chromium-driver (WebDriver over curl):
# opens the page, enters the token from the token file, opens the run's page (the link the log prints),
# and waits until the plot shown there has a drawn series. Prints the seconds since `java -jar` of each
# milestone, then the example's training speed over the next minute; the last line is
# `page_s=… token_s=… running_s=… plot_s=… steps_per_s=…`. A person's own reading and typing
# time is not included. With SCREENSHOT=file.png it then waits for the run to finish and saves the page
# (README's picture). Needs the package built (./mvnw -q package -DskipTests) and chromium, chromium-driver.
#   bench/ui-first-plot.sh [http-port=18480]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-18480}
DRIVER_PORT=$((PORT + 1))
WORK=$(mktemp -d /tmp/twophase-ui-first-plot.XXXXXX)
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 2; }

now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $T0:.1f}')"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

chromedriver --port="$DRIVER_PORT" > "$WORK/chromedriver.log" 2>&1 &
DRIVER_PID=$!
T0=$(now)
java -Dquarkus.http.port="$PORT" -Dtwophase.embedded-postgres.data-dir="$WORK/data/postgres" \
  -Dtwophase.startup.submit=examples/two-phases-add-mod-31.json -jar "$JAR" > "$WORK/service.log" 2>&1 &
SERVICE_PID=$!
SESSION=
cleanup() {
  [ -n "$SESSION" ] && curl -s -X DELETE "localhost:$DRIVER_PORT/session/$SESSION" > /dev/null || true
  kill "$SERVICE_PID" "$DRIVER_PID" 2> /dev/null || true
  wait "$SERVICE_PID" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wd() { # method path [body]
  curl -sf -X "$1" -H 'Content-Type: application/json' "localhost:$DRIVER_PORT/session${SESSION:+/$SESSION}$2" ${3:+-d "$3"}
}
until curl -sf -o /dev/null "localhost:$PORT/"; do sleep 0.2; done
PAGE_S=$(since); echo "page served: ${PAGE_S} s"
SESSION=$(wd POST '' '{"capabilities":{"alwaysMatch":{"browserName":"chrome","goog:chromeOptions":{"binary":"/usr/bin/chromium",
  "args":["--headless","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking",
  "--disable-component-update","--disable-sync","--window-size=1280,1900","--user-data-dir='"$WORK"'/profile"]}}}}' | json 'd["value"]["sessionId"]')
TOKEN_FILE="$WORK/data/api-token"
until [ -s "$TOKEN_FILE" ]; do sleep 0.2; done
element() { wd POST /element "{\"using\":\"css selector\",\"value\":\"$1\"}" | json 'list(d["value"].values())[0]'; }
wd POST /url "{\"url\":\"http://localhost:$PORT/\"}" > /dev/null
INPUT=$(element '#token-input')
wd POST "/element/$INPUT/value" "{\"text\":\"$(cat "$TOKEN_FILE")\"}" > /dev/null
wd POST "/element/$(element '#token-save')/click" '{}' > /dev/null
TOKEN_S=$(since); echo "token entered: ${TOKEN_S} s"
# the run's id, as the log's "page:" line gives it
until RUN=$(grep -o "#/runs/[0-9a-f-]*" "$WORK/service.log" | head -1 | cut -d/ -f3) && [ -n "$RUN" ]; do sleep 0.2; done
wd POST /url "{\"url\":\"http://localhost:$PORT/#/runs/$RUN\"}" > /dev/null
RUNNING_S=
while :; do
  # the plot shown is the last SVG the page fetched (an object URL); it counts once it draws a series
  STATE=$(wd POST /execute/async '{"script":"const done = arguments[arguments.length - 1]; const img = document.getElementById(\"plot\"); const state = document.getElementById(\"run-state\"); if (!img || !img.dataset.url || !img.naturalWidth) { done((state ? state.textContent : \"\") + \" no-plot\"); return; } fetch(img.dataset.url).then(r => r.text()).then(svg => done(state.textContent + (svg.includes(\"class=\\\"series\\\"\") ? \" plot\" : \" empty-plot\")));","args":[]}' | json 'd["value"]')
  if [ -z "$RUNNING_S" ] && [[ "$STATE" == running* ]]; then RUNNING_S=$(since); echo "run page says running: ${RUNNING_S} s"; fi
  if [[ "$STATE" == *" plot" ]]; then break; fi
  if [ "$(since | cut -d. -f1)" -gt 600 ]; then echo "no plot within 600 s: $STATE" >&2; exit 1; fi
  sleep 0.2
done
PLOT_S=$(since); echo "live plot shown: ${PLOT_S} s"
# then the example's speed over the next SPEED_SECONDS (default 60), from the run's step
AUTH="Authorization: Bearer $(cat "$TOKEN_FILE")"
step() { curl -sf -H "$AUTH" "localhost:$PORT/api/v1/runs/$RUN" | json 'd["step"]'; }
S0=$(step); sleep "${SPEED_SECONDS:-60}"; S1=$(step)
SPEED=$(python3 -c "print(f'{($S1 - $S0) / ${SPEED_SECONDS:-60}:.1f}')")
echo "steps $S0 -> $S1 in ${SPEED_SECONDS:-60} s"
if [ -n "${SCREENSHOT:-}" ]; then
  # README's picture: the run page once the run has finished (its final phase report shown)
  # (or after SCREENSHOT_MAX seconds more, default 900, whichever comes first)
  LIMIT=$(( $(date +%s) + ${SCREENSHOT_MAX:-900} ))
  until [ "$(curl -sf -H "$AUTH" "localhost:$PORT/api/v1/runs/$RUN" | json 'd["state"]')" = succeeded ] || [ "$(date +%s)" -gt "$LIMIT" ]; do sleep 2; done
  sleep 8 # two of the page's refreshes: the finished state, then its final events
  wd GET /screenshot | python3 -c "import base64,json,sys; open('$SCREENSHOT','wb').write(base64.b64decode(json.load(sys.stdin)['value']))"
  echo "screenshot of the run's page at step $(step): $SCREENSHOT"
fi
echo "page_s=$PAGE_S token_s=$TOKEN_S running_s=${RUNNING_S:-$PLOT_S} plot_s=$PLOT_S steps_per_s=$SPEED"
