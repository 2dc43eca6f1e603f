# Shared set-up for the project's commands: sourced, not run.
# Makes sure uv, the virtual environment and the local services are there, so that
# each command works on a fresh machine with nothing done by hand first.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$HOME/.local/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_uv() {
  if ! command -v uv >/dev/null 2>&1; then
    say "installing uv (from PyPI)"
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
  fi
}

ensure_environment() {
  ensure_uv
  say "syncing the virtual environment from uv.lock"
  (cd "$ROOT" && uv sync --locked --quiet)
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 name=$2 tries=${3:-60}
  for _ in $(seq "$tries"); do
    port_answers "$port" && return 0
    sleep 1
  done
  echo "error: $name did not come up on 127.0.0.1:$port" >&2
  return 1
}

# Start the local PostgreSQL and RabbitMQ if they are installed but not running.
# Skipped when the suite is pointed elsewhere (CASINO_TEST_*_URL) or Docker will serve.
ensure_local_services() {
  if [ -z "${CASINO_TEST_POSTGRES_URL:-}" ] && ! port_answers 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      say "starting the local PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      wait_for_port 5432 PostgreSQL
    fi
  fi
  if [ -z "${CASINO_TEST_AMQP_URL:-}" ] && ! port_answers 5672; then
    if command -v rabbitmq-server >/dev/null 2>&1; then
      say "starting the local RabbitMQ"
      rabbitmq-server -detached || true
      wait_for_port 5672 RabbitMQ 90
    fi
  fi
}

# Debian's Chromium, which the browser tests (tests/e2e/browser) drive through Playwright: the
# Playwright package's own browser download does not work here.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  say "installing Chromium for the browser tests (apt-get)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
}
