#!/usr/bin/env bash
# The one test command (`npm test`, and CI through .ci/run). Works on a fresh Debian machine with
# only Node 20 and npm: installs what it lacks, runs every stage even after a failure, then prints
# one closing line `N passed, N failed, N skipped` and exits non-zero if anything failed.
#
# Stages: lint, check (one test each), Vitest, tests/kbuffer/run.sh (if present), Playwright.
set -uo pipefail
cd "$(dirname "$0")/.."

RESULTS=test-results
passed=0
failed=0
skipped=0

say() { printf '\n=== %s\n' "$*"; }

# --- What the machine lacks --------------------------------------------------------------------

apt_packages=()
if ! command -v chromium >/dev/null 2>&1; then
	apt_packages+=(chromium)
fi
if ! pkg-config --exists libtraceevent >/dev/null 2>&1; then
	apt_packages+=(libtraceevent-dev pkg-config gcc)
fi
# trace-cmd reads the trace.dat files ringlab writes (tests/unit/tracedat).
if ! command -v trace-cmd >/dev/null 2>&1; then
	apt_packages+=(trace-cmd)
fi
if ((${#apt_packages[@]} > 0)); then
	if [[ $(id -u) -eq 0 ]]; then
		say "installing ${apt_packages[*]} (apt)"
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_packages[@]}" ||
			echo "apt-get install failed; the stages that need ${apt_packages[*]} will fail" >&2
	else
		echo "missing ${apt_packages[*]} and not root: install them with apt-get" >&2
	fi
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
	say 'npm ci'
	npm ci || echo 'npm ci failed' >&2
fi

mkdir -p "$RESULTS"
rm -f "$RESULTS/unit.json" "$RESULTS/e2e.json" "$RESULTS/kbuffer.txt" "$RESULTS/kbuffer.log" \
	"$RESULTS/kernel-live.txt"

# --- Helpers -----------------------------------------------------------------------------------

# count_stage NAME RC PASSED FAILED [SKIPPED]: adds a stage's counts; a stage that exited non-zero
# without reporting a failed test (crash, no tests found, server did not start) counts as one failure.
count_stage() {
	local name=$1 rc=$2 p=$3 f=$4 s=${5:-0}
	if ((rc != 0 && f == 0)); then
		echo "$name exited with $rc without a failed test: counted as 1 failed" >&2
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '\n[%s] passed %d, failed %d, skipped %d\n' "$name" "$p" "$f" "$s"
}

# json_counts KIND FILE: prints "passed failed skipped" from a Vitest or Playwright JSON report,
# or "0 0 0".
json_counts() {
	node -e '
		const [kind, file] = process.argv.slice(1);
		let r;
		try { r = JSON.parse(require("fs").readFileSync(file, "utf8")); } catch { console.log("0 0 0"); process.exit(0); }
		if (kind === "vitest")
			console.log(`${r.numPassedTests ?? 0} ${r.numFailedTests ?? 0} ${(r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)}`);
		else {
			const s = r.stats ?? {};
			console.log(`${(s.expected ?? 0) + (s.flaky ?? 0)} ${s.unexpected ?? 0} ${s.skipped ?? 0}`);
		}
	' "$1" "$2"
}

# one_test NAME COMMAND...: a stage that counts as a single test.
one_test() {
	local name=$1
	shift
	say "$name"
	if "$@"; then count_stage "$name" 0 1 0; else count_stage "$name" 1 0 1; fi
}

# --- Stages ------------------------------------------------------------------------------------

# Type-aware lint needs the types and tsconfig that SvelteKit generates into .svelte-kit/.
npx svelte-kit sync >/dev/null 2>&1 || echo 'svelte-kit sync failed' >&2

one_test lint npm run lint
one_test check npm run check

say 'unit (vitest)'
npx vitest run --reporter=default --reporter=json --outputFile="$RESULTS/unit.json"
rc=$?
read -r p f sk < <(json_counts vitest "$RESULTS/unit.json")
count_stage unit "$rc" "$p" "$f" "$sk"
# The live kernel tests (tests/unit/kernel/kernel.test.ts) say how many scenarios ran on this
# machine's kernel and why the others were skipped.
[[ -f $RESULTS/kernel-live.txt ]] && cat "$RESULTS/kernel-live.txt"

if [[ -f tests/kbuffer/run.sh ]]; then
	say 'kbuffer (libtraceevent)'
	bash tests/kbuffer/run.sh 2>&1 | tee "$RESULTS/kbuffer.log"
	rc=$?
	# run.sh writes its own `N passed, N failed` line to kbuffer.txt; its output is the fallback.
	source_file="$RESULTS/kbuffer.txt"
	[[ -f $source_file ]] || source_file="$RESULTS/kbuffer.log"
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$source_file" | tail -n 1)
	if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		count_stage kbuffer "$rc" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	else
		echo "kbuffer printed no 'N passed, N failed' line" >&2
		count_stage kbuffer 1 0 1
	fi
fi

say 'e2e (playwright)'
npx playwright test
rc=$?
read -r p f sk < <(json_counts playwright "$RESULTS/e2e.json")
count_stage e2e "$rc" "$p" "$f" "$sk"

# --- Closing line ------------------------------------------------------------------------------

echo
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
