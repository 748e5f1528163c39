#!/usr/bin/env bash
# The kbuffer stage of the test command: builds kbuf-dump against libtraceevent (Debian's
# libtraceevent-dev) and checks that ringlab's raw pages parse into the same events as trace_pipe
# gives (compare.ts). Output, ending in `N passed, N failed`, also goes to test-results/kbuffer.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=test-results/kbuffer
mkdir -p "$OUT"

if ! pkg-config --exists libtraceevent; then
	{
		echo 'kbuffer: libtraceevent-dev not installed'
		echo '0 passed, 1 failed'
	} | tee test-results/kbuffer.txt
	exit 1
fi

# shellcheck disable=SC2046 # pkg-config prints several flags on purpose
if ! gcc -Wall -Wextra -O2 $(pkg-config --cflags libtraceevent) -o "$OUT/kbuf-dump" \
	tests/kbuffer/kbuf-dump.c $(pkg-config --libs libtraceevent); then
	{
		echo 'kbuffer: kbuf-dump.c did not compile'
		echo '0 passed, 1 failed'
	} | tee test-results/kbuffer.txt
	exit 1
fi

npx tsx tests/kbuffer/compare.ts "$OUT/kbuf-dump" 2>&1 | tee test-results/kbuffer.txt
