#!/usr/bin/env python3
"""Validate the demo catalogue of administrative procedures (TTHC).

Usage:
    python3 scripts/check_procedures.py [path/to/demo-procedures.json]

Without an argument the script checks
crates/congso-app/data/demo-procedures.json relative to the repository root.

It enforces the importer contract:
  * the file is a UTF-8 JSON array of objects;
  * every object has the mandatory keys and no unknown key (top level and
    nested objects alike);
  * codes look like ``<national code>.000.00.00.H57`` and are unique;
  * unit codes are known, and agree with the level (commune-level entries are
    published by the city People's Committee ``000.00.00.H57``; province-level
    entries belong to one department);
  * enumerations (level, online, channel kind, time units, workflow roles);
  * time limits and fees are integers >= 0; workflow budgets are >= 1;
  * an ``online`` channel only when ``online`` is not ``"none"``;
  * at least one channel, one document, two steps, one legal basis;
  * workflow budgets add up exactly to the counter channel's time limit
    (1 working day = 8 working hours).

Every violation is printed with the object's index, its code and the field.
The exit status is 1 when there is any violation, 0 otherwise. A summary
(count per level, per field, per unit) is printed in both cases.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

MANDATORY = (
    "code",
    "name",
    "field",
    "level",
    "unit",
    "online",
    "channels",
    "documents",
    "steps",
    "applicants",
    "result",
    "legal_basis",
)
OPTIONAL = (
    "requirements",
    "fee_note",
    "implementing",
    "competent_unit",
    "publication",
    "effective_from",
    "intake_cutoff",
    "workflow",
)
ALLOWED = set(MANDATORY) | set(OPTIONAL)

CITY_UNIT = "000.00.00.H57"
DEPARTMENTS = {
    "000.00.02.H57": "Sở Nội vụ",
    "000.00.03.H57": "Sở Tài chính",
    "000.00.04.H57": "Sở Tư pháp",
    "000.00.05.H57": "Sở Xây dựng",
    "000.00.06.H57": "Sở Nông nghiệp và Môi trường",
    "000.00.07.H57": "Sở Công Thương",
    "000.00.08.H57": "Sở Khoa học và Công nghệ",
    "000.00.09.H57": "Sở Giáo dục và Đào tạo",
    "000.00.10.H57": "Sở Y tế",
    "000.00.11.H57": "Sở Văn hóa và Thể thao",
    "000.00.12.H57": "Sở Du lịch",
    "000.00.13.H57": "Thanh tra thành phố",
}
UNITS = {CITY_UNIT: "UBND thành phố Huế (danh mục cấp xã)", **DEPARTMENTS}

LEVELS = ("province", "commune")
ONLINE = ("full", "partial", "none")
CHANNEL_KINDS = ("counter", "online", "post")
LIMIT_UNITS = ("working_days", "days", "working_hours")
WORKFLOW_ROLES = ("one_stop_officer", "specialist", "unit_head", "leader")
BUDGET_UNITS = ("working_hours", "working_days")
HOURS_PER_WORKING_DAY = 8

CODE_RE = re.compile(r"^\d\.\d{6}\.000\.00\.00\.H57$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, index: int | None, code: object, field: str, message: str) -> None:
        where = "file" if index is None else f"[{index}]"
        shown = code if isinstance(code, str) and code else "?"
        self.errors.append(f"ERROR {where} code={shown} field={field}: {message}")


def is_int(value: object) -> bool:
    # bool is a subclass of int in Python; it is not an acceptable number here.
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def valid_date(text: object) -> bool:
    if not isinstance(text, str) or not DATE_RE.match(text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_exact_keys(obj: dict, required: set[str], optional: set[str],
                     rep: Report, i: int, code: object, path: str) -> None:
    for key in sorted(set(obj) - required - optional):
        rep.add(i, code, f"{path}.{key}", "unknown key")
    for key in sorted(required - set(obj)):
        rep.add(i, code, f"{path}.{key}", "missing")


def check_limit(obj: object, rep: Report, i: int, code: object, path: str,
                units: tuple[str, ...], minimum: int) -> bool:
    if not isinstance(obj, dict):
        rep.add(i, code, path, "must be an object {value, unit}")
        return False
    check_exact_keys(obj, {"value", "unit"}, set(), rep, i, code, path)
    ok = True
    value = obj.get("value")
    if "value" in obj:
        if not is_int(value):
            rep.add(i, code, f"{path}.value", "must be an integer")
            ok = False
        elif value < minimum:
            rep.add(i, code, f"{path}.value", f"must be >= {minimum} (got {value})")
            ok = False
    else:
        ok = False
    if "unit" in obj:
        if obj.get("unit") not in units:
            rep.add(i, code, f"{path}.unit", f"must be one of {', '.join(units)}")
            ok = False
    else:
        ok = False
    return ok


def to_hours(value: int, unit: str) -> int:
    return value * HOURS_PER_WORKING_DAY if unit == "working_days" else value


def check_procedure(i: int, p: object, rep: Report, seen: dict[str, int]) -> None:
    if not isinstance(p, dict):
        rep.add(i, None, "(object)", "entry must be a JSON object")
        return
    code = p.get("code")

    for key in sorted(set(p) - ALLOWED):
        rep.add(i, code, key, "unknown key")
    for key in MANDATORY:
        if key not in p:
            rep.add(i, code, key, "missing mandatory key")

    # code
    if "code" in p:
        if not isinstance(code, str) or not CODE_RE.match(code):
            rep.add(i, code, "code", "must look like d.dddddd.000.00.00.H57")
        elif code in seen:
            rep.add(i, code, "code", f"duplicate code (first seen at index {seen[code]})")
        else:
            seen[code] = i

    for key in ("name", "applicants", "result"):
        if key in p and not is_text(p[key]):
            rep.add(i, code, key, "must be a non-empty string")

    # field
    if "field" in p:
        f = p["field"]
        if not isinstance(f, dict):
            rep.add(i, code, "field", "must be an object {code, name}")
        else:
            check_exact_keys(f, {"code", "name"}, set(), rep, i, code, "field")
            for key in ("code", "name"):
                if key in f and not is_text(f[key]):
                    rep.add(i, code, f"field.{key}", "must be a non-empty string")

    # level / unit
    level = p.get("level")
    if "level" in p and level not in LEVELS:
        rep.add(i, code, "level", f"must be one of {', '.join(LEVELS)}")
    unit = p.get("unit")
    if "unit" in p:
        if unit not in UNITS:
            rep.add(i, code, "unit", f"unknown unit code {unit!r}")
        elif level == "commune" and unit != CITY_UNIT:
            rep.add(i, code, "unit", f"commune-level entries use {CITY_UNIT}")
        elif level == "province" and unit not in DEPARTMENTS:
            rep.add(i, code, "unit", "province-level entries use a department code")

    # online
    online = p.get("online")
    if "online" in p and online not in ONLINE:
        rep.add(i, code, "online", f"must be one of {', '.join(ONLINE)}")

    # channels
    counters: list[dict] = []
    if "channels" in p:
        chans = p["channels"]
        if not isinstance(chans, list) or not chans:
            rep.add(i, code, "channels", "must be a non-empty array")
        else:
            for j, c in enumerate(chans):
                path = f"channels[{j}]"
                if not isinstance(c, dict):
                    rep.add(i, code, path, "must be an object")
                    continue
                check_exact_keys(c, {"kind", "time_limit", "fee_vnd"}, set(), rep, i, code, path)
                kind = c.get("kind")
                if "kind" in c and kind not in CHANNEL_KINDS:
                    rep.add(i, code, f"{path}.kind", f"must be one of {', '.join(CHANNEL_KINDS)}")
                if kind == "online" and online == "none":
                    rep.add(i, code, f"{path}.kind", "online channel while online is \"none\"")
                limit_ok = False
                if "time_limit" in c:
                    limit_ok = check_limit(c["time_limit"], rep, i, code, f"{path}.time_limit",
                                           LIMIT_UNITS, 0)
                if "fee_vnd" in c:
                    fee = c["fee_vnd"]
                    if not is_int(fee):
                        rep.add(i, code, f"{path}.fee_vnd", "must be an integer (VND)")
                    elif fee < 0:
                        rep.add(i, code, f"{path}.fee_vnd", f"must be >= 0 (got {fee})")
                if kind == "counter":
                    counters.append(c if limit_ok else {})

    # documents
    if "documents" in p:
        docs = p["documents"]
        if not isinstance(docs, list) or not docs:
            rep.add(i, code, "documents", "must be a non-empty array")
        else:
            for j, d in enumerate(docs):
                path = f"documents[{j}]"
                if not isinstance(d, dict):
                    rep.add(i, code, path, "must be an object")
                    continue
                check_exact_keys(d, {"name", "originals", "copies"}, {"form"}, rep, i, code, path)
                if "name" in d and not is_text(d["name"]):
                    rep.add(i, code, f"{path}.name", "must be a non-empty string")
                for key in ("originals", "copies"):
                    if key in d:
                        if not is_int(d[key]):
                            rep.add(i, code, f"{path}.{key}", "must be an integer")
                        elif d[key] < 0:
                            rep.add(i, code, f"{path}.{key}", f"must be >= 0 (got {d[key]})")
                if "form" in d and not is_text(d["form"]):
                    rep.add(i, code, f"{path}.form", "must be a non-empty string")

    # steps
    if "steps" in p:
        steps = p["steps"]
        if not isinstance(steps, list) or len(steps) < 2:
            rep.add(i, code, "steps", "must be an array of at least 2 strings")
        else:
            for j, s in enumerate(steps):
                if not is_text(s):
                    rep.add(i, code, f"steps[{j}]", "must be a non-empty string")

    # legal basis
    if "legal_basis" in p:
        lb = p["legal_basis"]
        if not isinstance(lb, list) or not lb:
            rep.add(i, code, "legal_basis", "must be a non-empty array of strings")
        else:
            for j, s in enumerate(lb):
                if not is_text(s):
                    rep.add(i, code, f"legal_basis[{j}]", "must be a non-empty string")

    # optional scalars
    for key in ("requirements", "fee_note", "implementing", "competent_unit"):
        if key in p and not is_text(p[key]):
            rep.add(i, code, key, "must be a non-empty string")
    if "effective_from" in p and not valid_date(p["effective_from"]):
        rep.add(i, code, "effective_from", "must be a date YYYY-MM-DD")
    if "intake_cutoff" in p:
        cut = p["intake_cutoff"]
        if not isinstance(cut, str) or not TIME_RE.match(cut):
            rep.add(i, code, "intake_cutoff", "must be a time HH:MM")
    if "publication" in p:
        pub = p["publication"]
        if not isinstance(pub, dict):
            rep.add(i, code, "publication", "must be an object {number, date}")
        else:
            check_exact_keys(pub, {"number", "date"}, set(), rep, i, code, "publication")
            if "number" in pub and not is_text(pub["number"]):
                rep.add(i, code, "publication.number", "must be a non-empty string")
            if "date" in pub and not valid_date(pub["date"]):
                rep.add(i, code, "publication.date", "must be a date YYYY-MM-DD")

    # workflow
    if "workflow" in p:
        wf = p["workflow"]
        if not isinstance(wf, list) or not wf:
            rep.add(i, code, "workflow", "must be a non-empty array")
            return
        total = 0
        budgets_ok = True
        for j, s in enumerate(wf):
            path = f"workflow[{j}]"
            if not isinstance(s, dict):
                rep.add(i, code, path, "must be an object")
                budgets_ok = False
                continue
            check_exact_keys(s, {"name", "role", "budget"}, set(), rep, i, code, path)
            if "name" in s and not is_text(s["name"]):
                rep.add(i, code, f"{path}.name", "must be a non-empty string")
            if "role" in s and s["role"] not in WORKFLOW_ROLES:
                rep.add(i, code, f"{path}.role", f"must be one of {', '.join(WORKFLOW_ROLES)}")
            if "budget" not in s or not check_limit(s["budget"], rep, i, code, f"{path}.budget",
                                                    BUDGET_UNITS, 1):
                budgets_ok = False
                continue
            total += to_hours(s["budget"]["value"], s["budget"]["unit"])
        if len(counters) != 1:
            rep.add(i, code, "workflow",
                    f"needs exactly one counter channel to check against (found {len(counters)})")
            return
        counter = counters[0]
        if not counter:
            return  # the counter's own time limit is already reported as invalid
        limit = counter["time_limit"]
        if limit["unit"] == "days":
            rep.add(i, code, "workflow",
                    "counter time limit is in calendar days; budgets cannot be summed against it")
            return
        expected = to_hours(limit["value"], limit["unit"])
        if budgets_ok and total != expected:
            rep.add(i, code, "workflow",
                    f"budgets add up to {total} working hours, counter limit is {expected}"
                    f" ({limit['value']} {limit['unit']})")


def summarize(data: list) -> None:
    entries = [p for p in data if isinstance(p, dict)]
    print(f"Procedures: {len(entries)}")

    levels = Counter(p.get("level") for p in entries)
    print("\nPer level:")
    for level in LEVELS:
        print(f"  {level:<10} {levels.get(level, 0):>4}")
    for level, n in levels.items():
        if level not in LEVELS:
            print(f"  {level!r:<10} {n:>4}  (invalid)")

    fields: Counter = Counter()
    names: dict[str, str] = {}
    for p in entries:
        f = p.get("field")
        if isinstance(f, dict):
            key = str(f.get("code"))
            fields[key] += 1
            names.setdefault(key, str(f.get("name")))
    print(f"\nPer field ({len(fields)} fields):")
    for key, n in sorted(fields.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {key:<8} {n:>4}  {names[key]}")

    units = Counter(p.get("unit") for p in entries)
    print("\nPer unit:")
    for unit, n in sorted(units.items(), key=lambda kv: str(kv[0])):
        print(f"  {unit}  {n:>4}  {UNITS.get(unit, '(unknown)')}")

    online = Counter(p.get("online") for p in entries)
    print("\nOnline service:", ", ".join(f"{k}={online.get(k, 0)}" for k in ONLINE))
    with_wf = sum(1 for p in entries if p.get("workflow"))
    with_cut = sum(1 for p in entries if p.get("intake_cutoff"))
    print(f"With workflow: {with_wf}; with intake cut-off: {with_cut}")


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    path = Path(argv[1]) if len(argv) > 1 else root / "crates/congso-app/data/demo-procedures.json"
    rep = Report()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        print(f"ERROR file: cannot read {path}: {exc}")
        return 1
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        print(f"ERROR file: not valid UTF-8: {exc}")
        return 1
    except json.JSONDecodeError as exc:
        print(f"ERROR file: invalid JSON: {exc}")
        return 1
    if not isinstance(data, list):
        print("ERROR file: top level must be a JSON array")
        return 1
    if not data:
        rep.add(None, None, "(array)", "the catalogue is empty")

    seen: dict[str, int] = {}
    for i, p in enumerate(data):
        check_procedure(i, p, rep, seen)

    print(f"Checked {path}")
    summarize(data)
    print()
    if rep.errors:
        for line in rep.errors:
            print(line)
        print(f"\nFAILED: {len(rep.errors)} violation(s)")
        return 1
    print("OK: no violations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
