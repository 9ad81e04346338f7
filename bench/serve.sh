#!/bin/sh
# bench/serve.sh: throughput and latency of `frontline serve` for the control
# items of one date, beside nginx serving the same GeoJSON bytes from a static
# file (the practical limit).  wrk with 1, 16 and 64 connections (-t2 -d8s;
# -t1 for one connection, as wrk needs at least one connection per thread),
# frontline and nginx alternately (the order swapped every round) for REPEAT
# rounds, the median of each reported, with the CPU time the server (nginx: its
# workers) used per request (user + system, from /proc: a measure of the work
# per request that depends less on what else the machine runs than req/s
# does).  A run with an error (socket errors,
# non-2xx answers) fails the script.  Installs wrk and nginx from Debian when
# missing (as root).  Not part of CI.
#
#   sh bench/serve.sh [DATE]        (default 2020-11-25; prints a Markdown table)
#   DURATION=10s REPEAT=7 sh bench/serve.sh
#   FRONTLINE=/path/to/other/frontline sh bench/serve.sh   (another build; default:
#                                  this tree's, built first)
set -eu
cd "$(dirname "$0")/.."
DATE=${1:-2020-11-25}
DURATION=${DURATION:-8s}
need=""
command -v wrk >/dev/null || need="$need wrk"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
command -v curl >/dev/null || need="$need curl"
if [ -n "$need" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $need >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${FRONTLINE:-}" ]; then
	[ -f build/build.ninja ] || meson setup build >/dev/null
	ninja -C build >/dev/null
	FRONTLINE=./build/src/cli/frontline
fi

tmp=$(mktemp -d /tmp/fl-bench-XXXXXX)
fl_pid=""; ng_pid=""
cleanup() {
	[ -n "$fl_pid" ] && kill "$fl_pid" 2>/dev/null || true
	[ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$FRONTLINE" -d geodata/karabakh serve --port 0 2>"$tmp/serve.log" &
fl_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/serve.log" 2>/dev/null && break; sleep 0.1; done
FL=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/serve.log" | head -1)
[ -n "$FL" ] || { cat "$tmp/serve.log"; exit 1; }
PATHQ="/collections/control/items?datetime=$DATE"
mkdir -p "$tmp/www"
curl -sf "$FL$PATHQ" -o "$tmp/www/control.json"
BYTES=$(wc -c <"$tmp/www/control.json")
chmod 755 "$tmp" "$tmp/www" && chmod 644 "$tmp/www/control.json" # nginx workers drop root

NGPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fcgi;
	uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
	types { application/geo+json json; }
	server { listen 127.0.0.1:$NGPORT; root $tmp/www; }
}
CONF
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" &
ng_pid=$!
sleep 1
NG="http://127.0.0.1:$NGPORT/control.json"
curl -sf "$NG" -o /dev/null || { cat "$tmp/nginx-error.log"; exit 1; }
ng_workers=$(pgrep -P "$ng_pid" | tr '\n' ' ')

cpu() { # clock ticks used by the processes $@
	for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s}'
}
HZ=$(getconf CLK_TCK)
run() { # url conns pids... -> "req/s p99 cpu-us-per-request"
	t=2; [ "$2" -lt 2 ] && t=1 # wrk needs connections >= threads
	u=$1 n=$2
	shift 2
	c0=$(cpu "$@")
	out=$(wrk -t$t -c"$n" -d"$DURATION" --latency "$u")
	c1=$(cpu "$@")
	if echo "$out" | grep -qE 'Socket errors|Non-2xx'; then
		echo "$out" >&2
		echo "bench/serve.sh: errors against $u" >&2
		exit 1
	fi
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	reqs=$(echo "$out" | awk '/requests in/ {print $1}')
	echo "$rps $p99 $(awk "BEGIN {printf \"%.0f\", ($c1 - $c0) * 1e6 / $HZ / $reqs}")"
}
REPEAT=${REPEAT:-5}
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "Control items for $DATE: $BYTES bytes; $(nproc) CPUs; load average $(load) at the start"
echo "wrk -t2 (-t1 for 1 connection) -d$DURATION --latency; median of $REPEAT alternating rounds"
echo
echo "| connections | frontline req/s | frontline p99 | frontline CPU/req | nginx req/s | nginx p99 | nginx CPU/req | frontline / nginx |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ms() { awk '/us$/ {sub(/us$/, ""); printf "%.3f\n", $1 / 1000; next}
	/ms$/ {sub(/ms$/, ""); print $1; next} /s$/ {sub(/s$/, ""); print $1 * 1000}'; }
for c in 1 16 64; do
	: >"$tmp/f" ; : >"$tmp/n"
	for r in $(seq "$REPEAT"); do
		if [ $((r % 2)) -eq 1 ]; then
			run "$FL$PATHQ" "$c" $fl_pid >>"$tmp/f"
			run "$NG" "$c" $ng_workers >>"$tmp/n"
		else
			run "$NG" "$c" $ng_workers >>"$tmp/n"
			run "$FL$PATHQ" "$c" $fl_pid >>"$tmp/f"
		fi
	done
	frps=$(cut -d' ' -f1 "$tmp/f" | median)
	nrps=$(cut -d' ' -f1 "$tmp/n" | median)
	fp99=$(cut -d' ' -f2 "$tmp/f" | ms | median)
	np99=$(cut -d' ' -f2 "$tmp/n" | ms | median)
	fcpu=$(cut -d' ' -f3 "$tmp/f" | median)
	ncpu=$(cut -d' ' -f3 "$tmp/n" | median)
	ratio=$(/usr/bin/python3 -c "print('%.2f' % ($frps / $nrps))")
	echo "| $c | $frps | ${fp99} ms | ${fcpu} µs | $nrps | ${np99} ms | ${ncpu} µs | $ratio |"
	if [ -n "${VERBOSE:-}" ]; then
		echo "  frontline req/s: $(cut -d' ' -f1 "$tmp/f" | tr '\n' ' ')" >&2
		echo "  nginx req/s:     $(cut -d' ' -f1 "$tmp/n" | tr '\n' ' ')" >&2
	fi
done
echo
echo "load average $(load) at the end"
