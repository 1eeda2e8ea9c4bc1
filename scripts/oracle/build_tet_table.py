#!/usr/bin/env python3
"""Build crates/congso-calendar/tests/data/tet_hung_kings_1900_2199.tsv (and the
companion lunar_months_1900_2199.tsv: every month start, for a day-by-day test).

The table is the test oracle for the Rust lunar calendar. It is computed by the
independent ephem-based oracle in ``lunar_oracle.py`` (true new moons and principal
solar terms at UTC+7) and cross-checked, before anything is written, against:

* PyPI ``lunar-vn==1.4.0`` (a Ho Ngoc Duc-algorithm implementation), 1900-2100:
  Tet, Hung Kings and the leap month of every lunar year;
* PyPI ``holidays==0.109`` (vacanza/holidays), Vietnamese calendar, 1901-2099:
  Tet and Hung Kings;
* hand-copied published facts: the years where Vietnamese Tet differs from Chinese New
  Year (vacanza ``VIETNAMESE_CALENDAR_LUNAR_NEW_YEAR_DATES``) and the 2008-2035 dates
  in shared/reference/domain-rules.md section 4.4 and stack.md section 2.

Any disagreement makes the script exit non-zero without writing the table.

Usage (from the repository root):

    pip install -r scripts/oracle/requirements.txt
    python3 scripts/oracle/build_tet_table.py [--check]

``--check`` recomputes and compares with the committed file instead of writing it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys

import lunar_oracle as lo

FIRST, LAST = 1900, 2199
DATA = pathlib.Path(__file__).resolve().parents[2] / "crates/congso-calendar/tests/data"
OUT = DATA / "tet_hung_kings_1900_2199.tsv"
OUT_MONTHS = DATA / "lunar_months_1900_2199.tsv"

D = dt.date
# Published Vietnamese Tet dates (vacanza/holidays chinese.py overrides + reference).
PUBLISHED_TET = {
    1903: D(1903, 1, 28), 1916: D(1916, 2, 3), 1935: D(1935, 2, 3), 1965: D(1965, 2, 1),
    1968: D(1968, 1, 29), 1969: D(1969, 2, 16), 1985: D(1985, 1, 21), 2007: D(2007, 2, 17),
    2008: D(2008, 2, 7), 2009: D(2009, 1, 26), 2010: D(2010, 2, 14), 2011: D(2011, 2, 3),
    2012: D(2012, 1, 23), 2013: D(2013, 2, 10), 2014: D(2014, 1, 31), 2015: D(2015, 2, 19),
    2016: D(2016, 2, 8), 2017: D(2017, 1, 28), 2018: D(2018, 2, 16), 2019: D(2019, 2, 5),
    2020: D(2020, 1, 25), 2021: D(2021, 2, 12), 2022: D(2022, 2, 1), 2023: D(2023, 1, 22),
    2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17), 2027: D(2027, 2, 6),
    2028: D(2028, 1, 26), 2029: D(2029, 2, 13), 2030: D(2030, 2, 2), 2031: D(2031, 1, 23),
    2032: D(2032, 2, 11), 2033: D(2033, 1, 31), 2034: D(2034, 2, 19), 2035: D(2035, 2, 8),
    2053: D(2053, 2, 18),
}
PUBLISHED_HUNG_KINGS = {
    1916: D(1916, 4, 11), 1917: D(1917, 4, 1), 1939: D(1939, 4, 28), 1975: D(1975, 4, 20),
    2009: D(2009, 4, 4), 2020: D(2020, 4, 2), 2021: D(2021, 4, 21), 2022: D(2022, 4, 10),
    2023: D(2023, 4, 29), 2024: D(2024, 4, 18), 2025: D(2025, 4, 7), 2026: D(2026, 4, 26),
    2027: D(2027, 4, 16), 2028: D(2028, 4, 4), 2029: D(2029, 4, 23), 2030: D(2030, 4, 12),
    2031: D(2031, 4, 1), 2032: D(2032, 4, 19), 2033: D(2033, 4, 9), 2034: D(2034, 4, 28),
    2035: D(2035, 4, 17), 2037: D(2037, 4, 24), 2038: D(2038, 4, 13), 2085: D(2085, 4, 3),
    2086: D(2086, 4, 22), 2095: D(2095, 4, 13), 2100: D(2100, 4, 18),
}
PUBLISHED_LEAP = {2020: 4, 2023: 2, 2025: 6, 2028: 5, 2031: 3}
# Chinese New Year (UTC+8) in the years where it differs from Vietnam.
CHINESE_TET = {1985: D(1985, 2, 20), 2007: D(2007, 2, 18), 2030: D(2030, 2, 3)}


def summarize(months: list[lo.Month]) -> dict[int, tuple[dt.date, dt.date, int]]:
    """year -> (tet, hung_kings, leap month or 0)."""
    out: dict[int, list] = {}
    for m in months:
        row = out.setdefault(m.year, [None, None, 0])
        if m.month == 1 and not m.leap:
            row[0] = m.start
        if m.month == 3 and not m.leap:
            row[1] = m.start + dt.timedelta(days=9)
        if m.leap:
            row[2] = m.month
    return {y: (r[0], r[1], r[2]) for y, r in out.items() if r[0] and r[1]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    args = ap.parse_args()

    months = lo.build_months(FIRST - 1, LAST)
    table = summarize(months)
    table = {y: v for y, v in table.items() if FIRST <= y <= LAST}
    assert sorted(table) == list(range(FIRST, LAST + 1)), "missing years"
    errors: list[str] = []

    # Published facts.
    for y, d in PUBLISHED_TET.items():
        if table[y][0] != d:
            errors.append(f"Tet {y}: oracle {table[y][0]} published {d}")
    for y, d in PUBLISHED_HUNG_KINGS.items():
        if table[y][1] != d:
            errors.append(f"Hung Kings {y}: oracle {table[y][1]} published {d}")
    for y, m in PUBLISHED_LEAP.items():
        if table[y][2] != m:
            errors.append(f"leap {y}: oracle {table[y][2]} published {m}")

    # The same construction at UTC+8 must reproduce Chinese New Year where VN differs.
    cn = summarize(lo.build_months(1984, 2030, tz_hours=8))
    for y, d in CHINESE_TET.items():
        if cn[y][0] != d:
            errors.append(f"UTC+8 Tet {y}: oracle {cn[y][0]} Chinese {d}")

    # lunar-vn 1.4.0, 1900-2100.
    import lunar_vn

    for y in range(FIRST, 2101):
        tet = lunar_vn.lunar_to_solar(lunar_vn.LunarDate(1, 1, y, False))
        hk = lunar_vn.lunar_to_solar(lunar_vn.LunarDate(10, 3, y, False))
        # lunar-vn has no leap-month query: scan the lunar year day by day.
        leap = 0
        day = tet
        nxt = min(table[y + 1][0], dt.date(2100, 12, 31))  # lunar-vn stops at 2100-12-31
        while day < nxt:
            ld = lunar_vn.solar_to_lunar(day)
            if ld.leap:
                leap = ld.month
                day += dt.timedelta(days=28)
            day += dt.timedelta(days=1)
        if (tet, hk, leap) != table[y]:
            errors.append(f"lunar-vn {y}: {(tet, hk, leap)} oracle {table[y]}")

    # vacanza/holidays 0.109, Vietnamese calendar.
    from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

    vac = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    checked = 0
    for y in range(FIRST, LAST + 1):
        tet, _ = vac.lunar_new_year_date(y)
        hk, _ = vac.hung_kings_date(y)
        if tet is not None:
            checked += 1
            if tet != table[y][0]:
                errors.append(f"vacanza Tet {y}: {tet} oracle {table[y][0]}")
        if hk is not None and hk != table[y][1]:
            errors.append(f"vacanza Hung Kings {y}: {hk} oracle {table[y][1]}")

    if errors:
        print("\n".join(errors[:40]), file=sys.stderr)
        print(f"{len(errors)} disagreement(s); table not written", file=sys.stderr)
        return 1

    lines = [
        "# Tet (1/1 lunar), Hung Kings (10/3 lunar) and the leap month, lunar years 1900-2199, UTC+7.",
        "# Generated by scripts/oracle/build_tet_table.py (ephem==4.2.1 astronomical oracle:",
        "# true new moons and principal solar terms, days at UTC+7, month 11 holds the winter",
        "# solstice, leap = first month without a principal term in a 13-month year; new moons",
        "# within 10 minutes of an hour re-timed with JPL DE421 via skyfield==1.55, 1900-2052).",
        "# Cross-checked: lunar-vn==1.4.0 for 1900-2100 (0 differences), vacanza holidays==0.109",
        f"# Vietnamese calendar ({checked} years, 0 differences), published dates in the reference.",
        "# leap_month = 0 when the lunar year has no leap month.",
        "year\ttet\thung_kings\tleap_month",
    ]
    for y in range(FIRST, LAST + 1):
        tet, hk, leap = table[y]
        lines.append(f"{y}\t{tet.isoformat()}\t{hk.isoformat()}\t{leap}")
    text = "\n".join(lines) + "\n"

    # Every month start, so that a test can check every day 1900-2199.
    first = max(i for i, m in enumerate(months) if m.start <= dt.date(FIRST, 1, 1))
    mlines = [
        "# Every lunar month (UTC+7) covering 1900-01-01..2199-12-31: first day, lunar year,",
        "# month, leap (0/1). A month lasts until the next line's first day; the last one",
        "# ends with the line after 2199-12-31. Generated by scripts/oracle/build_tet_table.py",
        "# with the same ephem/DE421 oracle as tet_hung_kings_1900_2199.tsv.",
        "start\tyear\tmonth\tleap",
    ]
    for m in months[first:]:
        mlines.append(f"{m.start.isoformat()}\t{m.year}\t{m.month}\t{int(m.leap)}")
        if m.start > dt.date(LAST, 12, 31):
            break
    mtext = "\n".join(mlines) + "\n"

    outputs = {OUT: text, OUT_MONTHS: mtext}
    if args.check:
        stale = [p for p, t in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != t]
        for p in stale:
            print(f"{p} differs from a fresh computation", file=sys.stderr)
        if not stale:
            print("tables up to date")
        return 1 if stale else 0
    DATA.mkdir(parents=True, exist_ok=True)
    for p, t in outputs.items():
        p.write_text(t, encoding="utf-8")
    print(f"wrote {OUT} ({LAST - FIRST + 1} years; vacanza checked {checked} years)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
