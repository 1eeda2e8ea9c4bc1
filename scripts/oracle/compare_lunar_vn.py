#!/usr/bin/env python3
"""Compare congso's lunar calendar output with lunar-vn 1.4.0 (and the ephem oracle).

Input (a file argument or stdin), one line per day, the output format of
``congso calendar lunar --from 1901-01-01 --to 2099-12-31`` and of the example
``cargo run -p congso-calendar --example lunar_table -- 1901-01-01 2099-12-31``:

    YYYY-MM-DD<TAB>day<TAB>month<TAB>year<TAB>leap        (leap: 0/1 or false/true)

Every day inside lunar-vn's range (1900-02-01..2100-12-31) is compared with
``lunar_vn.solar_to_lunar``. lunar-vn implements Ho Ngoc Duc's approximation of the new
moon, which differs from the true new moon in four lunations of 1900-2100, each a new
moon that falls less than two minutes before midnight UTC+7 (so on the earlier civil
day). Those windows (30 days each, 120 days in all) are allowed, but only if the input
agrees there with the independent astronomical oracle (``lunar_oracle.py``: ephem, with
JPL DE421 re-timing borderline new moons up to 2052):

    1944-06-20..1944-07-19   new moon 1944-06-20 16:59:17.5 UT (DE421), 42 s before midnight
    1967-07-07..1967-08-05   new moon 1967-07-07 16:59:59.4 UT (DE421), 0.6 s before midnight
                             (ephem alone says 17:00:02.5, i.e. 2.5 s after, like lunar-vn)
    2072-12-09..2073-01-07   new moon 2072-12-09 16:58:27.6 UT (ephem), 92 s before midnight
    2077-11-15..2077-12-14   new moon 2077-11-15 16:59:33.6 UT (ephem), 26 s before midnight

Exit status: 0 when every difference lies in a known window and matches the oracle;
1 otherwise (each offending line is printed). ``--oracle`` additionally compares
every input line with the ephem oracle (slower: about 20 s for 1900-2199).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import sys

import lunar_vn

import lunar_oracle as lo

D = dt.date
KNOWN_WINDOWS = [
    (D(1944, 6, 20), D(1944, 7, 19)),
    (D(1967, 7, 7), D(1967, 8, 5)),
    (D(2072, 12, 9), D(2073, 1, 7)),
    (D(2077, 11, 15), D(2077, 12, 14)),
]
LUNAR_VN_RANGE = (D(1900, 2, 1), D(2100, 12, 31))


def parse_line(line: str) -> tuple[dt.date, tuple[int, int, int, bool]]:
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 5:
        raise ValueError(f"expected 5 tab-separated fields: {line!r}")
    leap = fields[4].strip().lower() in ("1", "true")
    return D.fromisoformat(fields[0]), (int(fields[1]), int(fields[2]), int(fields[3]), leap)


class Oracle:
    def __init__(self) -> None:
        self.months: list[lo.Month] = []
        self.starts: list[dt.date] = []
        self.span = (0, -1)

    def __call__(self, day: dt.date) -> tuple[int, int, int, bool]:
        if not self.span[0] <= day.year <= self.span[1]:
            first, last = min(day.year - 1, 1899), max(day.year, 2199)
            self.months = lo.build_months(first, last)
            self.starts = [m.start for m in self.months]
            self.span = (first + 1, last)
        i = bisect.bisect_right(self.starts, day) - 1
        m = self.months[i]
        return ((day - m.start).days + 1, m.month, m.year, m.leap)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", help="input file (default: stdin)")
    ap.add_argument("--oracle", action="store_true", help="also compare every day with the ephem oracle")
    args = ap.parse_args()

    src = open(args.file, encoding="utf-8") if args.file else sys.stdin
    oracle = Oracle()
    total = compared = 0
    in_windows: dict[tuple[dt.date, dt.date], int] = {w: 0 for w in KNOWN_WINDOWS}
    failures: list[str] = []
    with src:
        for line in src:
            if not line.strip() or line.startswith("#"):
                continue
            day, ours = parse_line(line)
            total += 1
            if args.oracle and ours != oracle(day):
                failures.append(f"{day}: ours {ours} oracle {oracle(day)}")
            if not LUNAR_VN_RANGE[0] <= day <= LUNAR_VN_RANGE[1]:
                continue
            compared += 1
            l = lunar_vn.solar_to_lunar(day)
            theirs = (l.day, l.month, l.year, bool(l.leap))
            if ours == theirs:
                continue
            window = next((w for w in KNOWN_WINDOWS if w[0] <= day <= w[1]), None)
            if window is None:
                failures.append(f"{day}: ours {ours} lunar-vn {theirs} (outside the known windows)")
                continue
            if ours != oracle(day):
                failures.append(f"{day}: ours {ours} lunar-vn {theirs} oracle {oracle(day)}")
            else:
                in_windows[window] += 1

    print(f"{total} days read, {compared} compared with lunar-vn 1.4.0")
    for (a, b), n in in_windows.items():
        print(f"  known window {a}..{b}: {n} differing day(s), all confirmed by the oracle" if n else f"  known window {a}..{b}: no difference")
    print(f"  differing days in known windows: {sum(in_windows.values())}")
    if total < 72_000 or compared != total:
        failures.append(f"expected every day of 1901-2099 on standard input, read {total}, compared {compared}")
    for (a, b), n in in_windows.items():
        if n == 0:
            failures.append(f"known window {a}..{b}: lunar-vn 1.4.0 is known to differ here, yet no difference was seen")
    if failures:
        print("\n".join(failures[:50]), file=sys.stderr)
        print(f"{len(failures)} unexpected difference(s)", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
