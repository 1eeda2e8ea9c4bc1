"""Independent astronomical oracle for the Vietnamese lunar calendar (UTC+7).

Built on PyEphem (ephem==4.2.1): true new moons from ``ephem.next_new_moon`` and the
exact moments of the principal solar terms (zhongqi, apparent solar longitude a multiple
of 30 degrees) found by root finding on ephem's apparent geocentric solar longitude
referred to the ecliptic of date. New moons that ephem puts within 10 minutes of a whole
hour are re-timed with JPL DE421 (skyfield + skyfield-data, 1900-2052) when installed;
this changes exactly one lunation, 1967-07-07 (see ``refine_new_moon``).

Rules applied (the published rules of the Vietnamese/Chinese lunisolar calendar):

* a civil day runs from midnight to midnight at UTC+7 (``TZ_HOURS``);
* a lunar month starts on the civil day containing a true new moon;
* month 11 is the month containing the civil day of the winter solstice (270 deg);
* when 13 months lie between two consecutive month-11 starts, the first month after
  month 11 whose days contain no principal term is the leap month, numbered like the
  month before it;
* months 11 and 12 belong to the lunar year numbered like the Gregorian year of the
  solstice; month 1 (Tet) starts the next lunar year.

This file deliberately shares no code with the Rust crate: the Rust side uses Meeus'
series and compares the sun's longitude at local midnights, this side uses ephem's
numerical ephemerides and solves for the term moments.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass

import ephem

TZ_HOURS = 7


def local_date(moment: float, tz_hours: float) -> dt.date:
    """Civil date at UTC+tz of an ephem date (UT)."""
    return ephem.Date(moment + tz_hours * ephem.hour).datetime().date()


_DE421 = None


def _de421():
    """(timescale, ephemeris) from skyfield + skyfield-data's bundled DE421, or None."""
    global _DE421
    if _DE421 is None:
        try:
            import warnings

            from skyfield.api import Loader
            from skyfield_data import get_skyfield_data_path

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                load = Loader(get_skyfield_data_path(), expire=False)
                _DE421 = (load.timescale(builtin=True), load("de421.bsp"))
        except ImportError:
            _DE421 = False
    return _DE421 or None


def refine_new_moon(moment: float) -> float:
    """Re-time a new moon with JPL DE421 (skyfield) when ephem puts it within 10 minutes
    of a whole hour (so of a UTC+7 or UTC+8 midnight) and DE421 covers it (1900-2053).

    ephem's lunar theory is good to a few seconds; DE421 to well under one. Only 1967-07-07
    changes (ephem 17:00:02.5 UT, DE421 16:59:59.4 UT, i.e. 0.6 s before UTC+7 midnight).
    """
    d = ephem.Date(moment).datetime()
    secs = d.minute * 60 + d.second
    if min(secs, 3600 - secs) > 600 or not 1900 <= d.year <= 2052:
        return moment
    de = _de421()
    if de is None:
        return moment
    from skyfield import almanac

    ts, eph = de
    t0 = ts.utc(d.year, d.month, d.day, d.hour - 1)
    t1 = ts.utc(d.year, d.month, d.day, d.hour + 2)
    times, phases = almanac.find_discrete(t0, t1, almanac.moon_phases(eph))
    for t, phase in zip(times, phases):
        if phase == 0:
            return float(ephem.Date(t.utc_datetime().replace(tzinfo=None)))
    return moment


def apparent_solar_longitude(moment: float) -> float:
    """Apparent geocentric longitude of the sun, degrees, ecliptic and equinox of date."""
    sun = ephem.Sun()
    sun.compute(ephem.Date(moment))
    ecl = ephem.Ecliptic(ephem.Equatorial(sun.g_ra, sun.g_dec, epoch=moment), epoch=moment)
    return math.degrees(ecl.lon) % 360.0


def solar_term_moment(target_deg: float, guess: float) -> float:
    """Moment (ephem date, UT) when the apparent solar longitude equals ``target_deg``."""
    t = guess
    for _ in range(50):
        diff = (target_deg - apparent_solar_longitude(t) + 180.0) % 360.0 - 180.0
        if abs(diff) < 1e-7:
            break
        t += diff / 0.9856  # mean motion, degrees per day
    return t


@dataclass(frozen=True)
class Month:
    start: dt.date
    year: int
    month: int
    leap: bool


def build_months(
    first_year: int,
    last_year: int,
    tz_hours: float = TZ_HOURS,
    nm_shift_s: float = 0.0,
    term_shift_s: float = 0.0,
) -> list[Month]:
    """All lunar months whose sui (month 11 of Gregorian year Y to month 11 of Y+1)
    has Y in [first_year, last_year].

    ``nm_shift_s`` / ``term_shift_s`` move every new moon / principal term by that many
    seconds; used to find the months whose dates hang on a few seconds of timing.
    """
    # New moons, with margin on both sides.
    new_moons: list[dt.date] = []
    t = ephem.Date(f"{first_year - 1}/10/1")
    end = ephem.Date(f"{last_year + 2}/2/1")
    while t < end:
        t = ephem.next_new_moon(t)
        new_moons.append(local_date(refine_new_moon(t) + nm_shift_s * ephem.second, tz_hours))
        t = ephem.Date(t + 1)
    # Principal terms: every 30 degrees from the spring equinox before the range.
    term_days: list[dt.date] = []
    solstices: dict[int, dt.date] = {}
    guess = float(ephem.Date(f"{first_year - 1}/3/20"))
    deg = 0.0
    while guess < end:
        moment = solar_term_moment(deg, guess)
        day = local_date(moment + term_shift_s * ephem.second, tz_hours)
        term_days.append(day)
        if deg == 270.0:
            solstices[day.year] = day
        deg = (deg + 30.0) % 360.0
        guess = moment + 30.44
    term_days.sort()

    def month_index(day: dt.date) -> int:
        return bisect.bisect_right(new_moons, day) - 1

    def has_term(i: int) -> bool:
        j = bisect.bisect_left(term_days, new_moons[i])
        return j < len(term_days) and term_days[j] < new_moons[i + 1]

    months: list[Month] = []
    for year in range(first_year, last_year + 1):
        a = month_index(solstices[year])
        b = month_index(solstices[year + 1])
        leap_at = None
        if b - a == 13:
            leap_at = next(i for i in range(a + 1, b) if not has_term(i))
        elif b - a != 12:
            raise AssertionError(f"sui {year} has {b - a} months")
        number, lunar_year = 11, year
        for i in range(a, b):
            if i == leap_at:
                months.append(Month(new_moons[i], lunar_year, number, True))
                continue
            if i != a:
                number += 1
                if number == 13:
                    number, lunar_year = 1, year + 1
            months.append(Month(new_moons[i], lunar_year, number, False))
    return months


def lunar_date_of(months: list[Month], day: dt.date) -> tuple[int, int, int, bool]:
    """(day, month, year, leap) of a civil date using a month list from build_months."""
    starts = [m.start for m in months]
    i = bisect.bisect_right(starts, day) - 1
    if i < 0 or i + 1 >= len(months):
        raise ValueError(f"{day} outside the month table")
    m = months[i]
    return ((day - m.start).days + 1, m.month, m.year, m.leap)
