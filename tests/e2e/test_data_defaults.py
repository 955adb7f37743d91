#!/usr/bin/python3
"""data-1 … data-10 exist from the first data instance's start (issue 13; the seed: "pre-populated on first
startup"), not from the first data request: with the seed script, instance k starts at 3 + k s (auth 1..N
first), so data-service-1 is instance k = N and starts at 3 + N s: 6 s with 3 instances per type, 13 s with 10.
    SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_data_defaults.py"""
import os
import sqlite3

from harness import check_eq, finish, query, run


def system_db(run_dir, sql):
    con = sqlite3.connect(os.path.join(run_dir, "system.sqlite"))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# seed-3-instances sends only GET /api/auth/auth-work: no data request at all, and the rows are still there,
# stamped with data-service-1's start (3 + 3 = 6 s), the one that found the database empty.
out, s = run("scenarios/seed-3-instances.json", "defaults-seed3")
check_eq(s["by_endpoint"].keys() - {"/api/auth/auth-work"}, set(), "seed-3: no data request was sent")
started = query(out, "SELECT at_s FROM events WHERE kind = 'instance.started' AND subject = 'data-service-1'")
check_eq(started, [(6.0,)], "seed-3: data-service-1 starts at 3 + 3 s")
rows = system_db(out, "SELECT id, data_key, created_at, updated_at FROM data_items ORDER BY rowid")
check_eq([r[0] for r in rows], [f"data-{k}" for k in range(1, 11)], "seed-3: data-1 … data-10, in order")
check_eq({(r[2], r[3]) for r in rows}, {("2025-01-01T00:00:06.000Z", "2025-01-01T00:00:06.000Z")},
         "seed-3: every default row created (and updated) at data-service-1's start, 6 s")
check_eq(system_db(out, "SELECT value_json, metadata_json FROM data_items WHERE id = 'data-2'"),
         [('{"title":"Data Item 2","description":"This is default data item number 2","number":2,"active":true}',
           '{"category":"category-b","priority":"medium"}')], "seed-3: data-2's value and metadata as the seed's")
# The inserts are the instances' own start-up, not requests: the requests' write counter stays at 0.
check_eq(s["database"]["writes"], 0, "seed-3: no request wrote")

# Ten per type: data-service-1 is instance k = 10 and starts at 13 s.
out10, _ = run("scenarios/seed-10-instances.json", "defaults-seed10")
check_eq(system_db(out10, "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM data_items"),
         [(10, "2025-01-01T00:00:13.000Z", "2025-01-01T00:00:13.000Z")], "seed-10: 10 rows from 13 s")

# data-crud POSTs 30 items from 20 s: they become data-11 … data-40, after the defaults of 6 s; the first
# POST pays its own write only (30 writes in all, not 40 as when the first call created the defaults).
outc, sc = run("scenarios/data-crud.json", "defaults-crud")
check_eq(system_db(outc, "SELECT created_at FROM data_items WHERE id IN ('data-1', 'data-10') ORDER BY id"),
         [("2025-01-01T00:00:06.000Z",), ("2025-01-01T00:00:06.000Z",)], "data-crud: defaults from 6 s")
check_eq(system_db(outc, "SELECT id FROM data_items WHERE created_at >= '2025-01-01T00:00:20' ORDER BY rowid"),
         [(f"data-{k}",) for k in range(11, 41)], "data-crud: the 30 POSTed items are data-11 … data-40")
check_eq(sc["database"]["writes"], 30, "data-crud: one write per POST, none for the defaults")
finish()
