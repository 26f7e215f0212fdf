"""The rows of `bench/run`'s table: one per figure, its target, what was measured and whether it passed, and the
individual measurements behind them (`figures`, from the in-process and HTTP results of `bench/suite.py`)."""


def figures(small: dict, large: dict, http_results: dict) -> tuple[list[tuple], list[str]]:
    rows, details = [], []

    # 1. Query counts equal at small and large data, at most 15.
    worst, unequal = 0, []
    for role, pages in large["queries"].items():
        for page, n in pages.items():
            s = small["queries"].get(role, {}).get(page)
            worst = max(worst, n)
            details.append(f"| 1 | queries {page} as {role} | small {s} / large {n} |")
            if s != n:
                unequal.append(f"{page} as {role} ({s}→{n})")
    ok = not unequal and worst <= 15
    rows.append(
        (
            "1. Queries per list/detail/compliance page, small vs large data",
            "equal, ≤ 15",
            f"max {worst}" + (f"; differ: {', '.join(unequal)}" if unequal else "; all equal"),
            ok,
        )
    )

    # 2. Root ÷ single branch, p95.
    h = http_results
    ratio_list = h["list_root"]["p95"] / h["list_branch"]["p95"]
    ratio_comp = h["compliance_root"]["p95"] / h["compliance_branch"]["p95"]
    ratio_study = h["study_root"]["p95"] / h["study_branch"]["p95"]
    ratio_ledger = h["ledger_root"]["p95"] / h["ledger_branch"]["p95"]
    for key in (
        "list_root", "list_branch", "compliance_root", "compliance_branch", "study_root", "study_branch",
        "ledger_root", "ledger_branch",
    ):  # fmt: skip
        details.append(f"| 2 | {key} | median {h[key]['median']:.0f} ms, p95 {h[key]['p95']:.0f} ms, n={h[key]['n']} |")
    cp = large["compliance_page"]
    details.append(
        f"| 2 | compliance_root in-process, right after a change (overview recomputed) / served from the cached "
        f"overview | median {cp['cold_s'] * 1000:.0f} ms / {cp['warm_s'] * 1000:.0f} ms |"
    )
    rows.append(
        (
            "2. p95 root ÷ p95 single branch (meeting list; compliance page; study-task completion page; dues ledger)",
            "≤ 2",
            f"list {ratio_list:.2f}; compliance {ratio_comp:.2f}; study completion {ratio_study:.2f}; "
            f"dues ledger {ratio_ledger:.2f}",
            ratio_list <= 2 and ratio_comp <= 2 and ratio_study <= 2 and ratio_ledger <= 2,
        )
    )

    # 3. Meeting list rps ÷ bare view rps.
    r3 = h["rps_list"] / h["rps_bare"]
    details.append(f"| 3 | rps meeting list / bare view | {h['rps_list']:.1f} / {h['rps_bare']:.1f} |")
    rows.append(("3. Meeting list req/s ÷ bare one-query view req/s", "≥ 0.2", f"{r3:.2f}", r3 >= 0.2))

    # 4. Meeting list rps ÷ admin changelist rps.
    r4 = h["rps_list"] / h["rps_admin"]
    details.append(f"| 4 | rps meeting list / admin changelist | {h['rps_list']:.1f} / {h['rps_admin']:.1f} |")
    rows.append(("4. Meeting list req/s ÷ admin changelist req/s (same page size)", "≥ 1.5", f"{r4:.2f}", r4 >= 1.5))

    # 5. Access layer: secretary vs admin on the same pages.
    q = large["queries"]
    extra = []
    time_ratios = []
    for page, key in (("meetings:detail", "detail"), ("meetings:compliance (branch)", "compliance_branch")):
        a, s = q["bench-admin"].get(page), q["bench-secretary"].get(page)
        extra.append((s or 0) - (a or 0))
        t = h[f"{key}_secretary"]["median"] / h[f"{key}_admin"]["median"]
        time_ratios.append(t)
        details.append(f"| 5 | {page}: secretary vs admin | queries {s} vs {a}; time ×{t:.2f} |")
    rows.append(
        (
            "5. Access layer: scoped secretary vs admin, same page",
            "≤ +1 query, ≤ +20% time",
            f"+{max(extra)} queries; time ×{max(time_ratios):.2f}",
            max(extra) <= 1 and max(time_ratios) <= 1.2,
        )
    )

    # 6. Compliance engine ÷ hand SQL.
    c = large["compliance"]
    r6 = c["engine_s"] / c["sql_s"]
    details.append(
        f"| 6 | compliance {c['period']} for {c['units']} units: engine / hand SQL | "
        f"{c['engine_s'] * 1000:.0f} ms / {c['sql_s'] * 1000:.0f} ms |"
    )
    details.append(
        f"| 6 | the same counts by hand SQL from the monthly summary the engine reads (not the figure) | "
        f"{c['summary_sql_s'] * 1000:.0f} ms (engine ÷ that: {c['engine_s'] / c['summary_sql_s']:.2f}) |"
    )
    rows.append(("6. `compliance` for the root ÷ hand-written SQL", "≤ 3", f"{r6:.2f}", r6 <= 3))

    # 7. The pipeline board of 发展党员 (issue 14): root ÷ single branch, p95, as figure 2.
    ratio_board = h["board_root"]["p95"] / h["board_branch"]["p95"]
    for key in ("board_root", "board_branch"):
        details.append(f"| 7 | {key} | median {h[key]['median']:.0f} ms, p95 {h[key]['p95']:.0f} ms, n={h[key]['n']} |")
    rows.append(
        ("7. p95 root ÷ p95 single branch (发展党员 pipeline board)", "≤ 2", f"{ratio_board:.2f}", ratio_board <= 2)
    )
    rows.extend(_evaluations(large, h, details))
    return rows, details


def _evaluations(large: dict, h: dict, details: list[str]) -> list[tuple]:
    """8. Scoring the root's 支部考核 scheme ÷ hand SQL for its inputs; 9. its results page ÷ a branch's, p95."""
    rows = []
    s = large.get("scoring") or {}
    if s:
        r8 = s["scoring_s"] / s["sql_s"]
        details.append(
            f"| 8 | scoring the root's {s['year']} scheme over {s['branches']} branches (scores_compute) / hand SQL "
            f"gathering its inputs | {s['scoring_s'] * 1000:.0f} ms / {s['sql_s'] * 1000:.0f} ms |"
        )
        rows.append(
            ("8. 支部考核 scoring of the root's scheme ÷ hand-written SQL of its inputs", "≤ 3", f"{r8:.2f}", r8 <= 3)
        )
    else:
        rows.append(
            ("8. 支部考核 scoring of the root's scheme ÷ hand-written SQL of its inputs", "≤ 3", "no scheme", False)
        )
    if "scheme_root" in h:
        r9 = h["scheme_root"]["p95"] / h["assessment_branch"]["p95"]
        for key in ("scheme_root", "assessment_branch"):
            details.append(
                f"| 9 | {key} | median {h[key]['median']:.0f} ms, p95 {h[key]['p95']:.0f} ms, n={h[key]['n']} |"
            )
        rows.append(
            ("9. p95 root ÷ p95 single branch (支部考核 results: the root's scheme; a branch's scores)", "≤ 2",
             f"{r9:.2f}", r9 <= 2)
        )  # fmt: skip
    return rows
