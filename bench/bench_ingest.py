"""Ingest and lookup benchmark (foundation figures).

Prints, in one run:

1. Ingest of an N-row (default 1,000,000), 8-column CSV of person records through
   a mapping: rows/s, statements/s, peak RSS. The same rows through
   FollowTheMoney's own row-by-row mapping engine on a sample, as the peer, with
   the ratio.
2. Ingest of a FollowTheMoney entity stream (default 300,000 Person entities,
   about 2.1 million statements, valid E.164 mobiles, no mapping, named
   ``entities.ftm.json`` as OpenSanctions names its exports): statements/s and peak
   memory beside the CSV figure, and FollowTheMoney's own stream reader
   (``Statement.from_entity`` per entity, cleaning each value) on a sample as the peer.
3. ``crosslink show`` (Session.statements_for) on a workspace of about 10 million
   statements: median and worst lookup time over random entities.

Usage: python bench/bench_ingest.py [--rows 1000000] [--entities 300000] [--show-statements 10000000]
The data is synthetic and made here, in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.csv as pacsv

from crosslink.ingest import ingest_file, load_mapping
from crosslink.store import Workspace

MAPPING = """
dataset: bench
report:
  originator: Bench Constabulary
  originator_kind: force
  grading: 1B
  handling: P
entities:
  person:
    schema: Person
    keys: [nominal_id]
    properties:
      firstName: {column: forename}
      lastName: {column: surname}
      name: {columns: [forename, surname], join: " "}
      birthDate: {column: dob, format: "%d/%m/%Y"}
      nationality: {column: nationality}
      phone: {column: phone, country: GB}
      address: {column: city}
  vehicle:
    schema: Vehicle
    keys: [plate]
    properties:
      registrationNumber: {column: plate}
"""

GIVEN = np.array(["Karwan", "Dilan", "Ali", "Hawre", "Arben", "Sara", "Mohammed", "Ahmad", "Reza", "Tesfay", "Minh", "Elira"])
FAMILY = np.array(["AZIZ", "RASHID", "HASSAN", "QADIR", "OSMANI", "MOHAMMADI", "AHMED", "KARIMI", "NGUYEN", "TEKLE", "HOXHA", "AMIN"])
NATIONALITY = np.array(["IQ", "IR", "SY", "AF", "ER", "AL", "VN", "SD"])
CITY = np.array(["Dover", "Folkestone", "Ashford", "Birmingham", "Manchester", "London", "Coventry", "Leeds"])


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Synthetic person rows, written in 200k-row chunks (bounded memory)."""
    rng = np.random.default_rng(seed)
    chunk = 200_000
    with pacsv.CSVWriter(path, pa.schema([(n, pa.string()) for n in
                         ("nominal_id", "forename", "surname", "dob", "nationality", "phone", "city", "plate")])) as writer:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            ids = np.char.add("N", (np.arange(start, start + n)).astype(str))
            day = rng.integers(1, 29, n).astype(str)
            month = rng.integers(1, 13, n).astype(str)
            year = rng.integers(1960, 2006, n).astype(str)
            dob = np.char.add(np.char.add(np.char.add(np.char.zfill(day, 2), "/"), np.char.add(np.char.zfill(month, 2), "/")), year)
            # 200k distinct UK mobiles in the 07400-07499 block, national format.
            phone = np.char.add("074", np.char.zfill(rng.integers(0, 200_000, n).astype(str), 8))
            plate = np.char.add(np.char.add("AB", np.char.zfill(rng.integers(0, 99, n).astype(str), 2)), " CDE")
            table = pa.table({
                "nominal_id": ids, "forename": rng.choice(GIVEN, n), "surname": rng.choice(FAMILY, n),
                "dob": dob, "nationality": rng.choice(NATIONALITY, n), "phone": phone,
                "city": rng.choice(CITY, n), "plate": plate,
            })
            writer.write_table(table)


class PeakRSS:
    """Samples the memory of this process and its children every 250 ms.

    Proportional set size (PSS) where the platform has it: forked cleaning workers
    share pages with the parent, and summing plain RSS would count them twice.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()
                    total += getattr(info, "pss", info.rss)
                except psutil.Error:  # a worker that just exited
                    continue
            self.peak = max(self.peak, total)
            time.sleep(0.25)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._thread.join()


def make_ftm_stream(path: Path, entities: int, seed: int = 11) -> None:
    """Person entities, one JSON object per line, 7 values each (mobiles all valid)."""
    import json

    rng = np.random.default_rng(seed)
    given, family = rng.choice(GIVEN, entities), rng.choice(FAMILY, entities)
    years, months, days = rng.integers(1960, 2006, entities), rng.integers(1, 13, entities), rng.integers(1, 29, entities)
    mobiles = rng.integers(0, 10**8, entities)
    nationality, city = rng.choice(NATIONALITY, entities), rng.choice(CITY, entities)
    with path.open("w", encoding="utf-8") as out:
        for i in range(entities):
            out.write(json.dumps({"id": f"bench-p{i}", "schema": "Person", "properties": {
                "name": [f"{given[i]} {family[i]}"], "firstName": [str(given[i])], "lastName": [str(family[i])],
                "birthDate": [f"{years[i]}-{months[i]:02d}-{days[i]:02d}"], "nationality": [str(nationality[i]).lower()],
                "phone": [f"+4474{mobiles[i]:08d}"], "address": [str(city[i])]}}) + "\n")


def bench_ftm_stream(entities: int, tmp: Path, csv_sps: float | None) -> None:
    from crosslink.ingest import ReportOptions

    path = tmp / "entities.ftm.json"
    t0 = time.perf_counter()
    make_ftm_stream(path, entities)
    print(f"made {entities:,} FtM entities ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    with Workspace.create(tmp / "ftm.duckdb") as ws, PeakRSS() as rss:
        t0 = time.perf_counter()
        result = ingest_file(ws.session("bench", "benchmark"), path, None, ReportOptions(grading="2B", handling="P"))
        seconds = time.perf_counter() - t0
    sps = result.statements / seconds
    print(f"crosslink ingest (FtM stream, no mapping): {result.entities:,} entities, "
          f"{result.statements:,} statements in {seconds:.1f}s")
    print(f"  statements/s  {sps:>12,.0f}   (target >= 300,000)"
          + (f"; CSV path {csv_sps:,.0f}/s, FtM/CSV = {sps / csv_sps:.2f}" if csv_sps else ""))
    print(f"  peak memory   {rss.peak / 2**30:>12.2f} GiB (PSS, with workers; target < 2 GiB)")
    print(f"  uncleaned     {result.uncleaned_total:>12,}")
    sample = min(entities, 30_000)
    peer = bench_ftm_stream_peer(path, sample)
    print(f"peer: followthemoney Statement.from_entity per entity: {peer:,.0f} statements/s "
          f"(sample of {sample:,}); crosslink/peer = {sps / peer:.1f}x")


def bench_ftm_stream_peer(path: Path, entities: int) -> float:
    """FollowTheMoney reading the same stream: parse, clean each value, make statements."""
    import json

    from followthemoney import model
    from followthemoney.statement import Statement

    count = 0
    t0 = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if index >= entities:
                break
            proxy = model.get_proxy(json.loads(line), cleaned=False)
            count += sum(1 for _ in Statement.from_entity(proxy, dataset="bench"))
    return count / (time.perf_counter() - t0)


def bench_ingest(rows: int, tmp: Path) -> float:
    csv_path = tmp / "people.csv"
    t0 = time.perf_counter()
    make_csv(csv_path, rows)
    print(f"made {rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    mapping_path = tmp / "people.yml"
    mapping_path.write_text(MAPPING)
    with Workspace.create(tmp / "ingest.duckdb") as ws, PeakRSS() as rss:
        t0 = time.perf_counter()
        result = ingest_file(ws.session("bench", "benchmark"), csv_path, load_mapping(mapping_path))
        seconds = time.perf_counter() - t0
    ours_sps = result.statements / seconds
    print(f"crosslink ingest: {result.rows:,} rows, {result.statements:,} statements in {seconds:.1f}s")
    print(f"  rows/s        {result.rows / seconds:>12,.0f}")
    print(f"  statements/s  {ours_sps:>12,.0f}   (target >= 300,000)")
    print(f"  peak memory   {rss.peak / 2**30:>12.2f} GiB (PSS, with workers; target < 2 GiB)")
    print(f"  uncleaned     {result.uncleaned_total:>12,}")
    peer_sps = bench_ftm_peer(csv_path, min(rows, 50_000))
    print(f"peer: followthemoney row-by-row mapping: {peer_sps:,.0f} statements/s "
          f"(sample of {min(rows, 50_000):,} rows); crosslink/peer = {ours_sps / peer_sps:.1f}x")
    return ours_sps


def bench_ftm_peer(csv_path: Path, rows: int) -> float:
    """FollowTheMoney's own mapping engine over the same rows (one proxy per row)."""
    import csv
    import logging

    from followthemoney import model

    logging.getLogger("followthemoney").setLevel(logging.ERROR)

    query = model.make_mapping({
        "csv_url": "file://unused",
        "entities": {
            "person": {"schema": "Person", "keys": ["nominal_id"], "properties": {
                "firstName": {"column": "forename"}, "lastName": {"column": "surname"},
                "name": {"columns": ["forename", "surname"], "join": " "},
                "birthDate": {"column": "dob", "format": "%d/%m/%Y"},
                "nationality": {"column": "nationality"}, "phone": {"column": "phone"},
                "address": {"column": "city"}}},
            "vehicle": {"schema": "Vehicle", "keys": ["plate"], "properties": {"registrationNumber": {"column": "plate"}}},
        },
    })
    count = 0
    t0 = time.perf_counter()
    with csv_path.open(newline="") as handle:
        for index, record in enumerate(csv.DictReader(handle)):
            if index >= rows:
                break
            for proxy in query.map(record).values():
                count += sum(1 for _ in proxy.itervalues())
    return count / (time.perf_counter() - t0)


def bench_show(statements: int, tmp: Path) -> None:
    """Fill a workspace with ~N statements (8 per entity, 100 per report) and time lookups."""
    per_entity = 8
    entities = statements // per_entity
    path = tmp / "show.duckdb"
    with Workspace.create(path) as ws:
        session = ws.session("bench", "benchmark")
        con = ws.con
        t0 = time.perf_counter()
        chunk = 1_000_000
        for start in range(0, statements, chunk):
            n = min(chunk, statements - start)
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE _fill AS
                SELECT sha1(i::VARCHAR) AS id, sha1('e' || (i // {per_entity})::VARCHAR) AS entity_id,
                       'Person' AS schema, 'name' AS prop, 'name' AS prop_type,
                       'Person ' || (i // {per_entity})::VARCHAR || ' v' || (i % {per_entity})::VARCHAR AS value,
                       NULL::VARCHAR AS original_value, NULL::VARCHAR AS reason, NULL::VARCHAR AS lang,
                       'bench' AS dataset, 'ingest' AS origin, now()::TIMESTAMP AS first_seen,
                       now()::TIMESTAMP AS last_seen, 'r' || (i // 100)::VARCHAR AS report_id,
                       NULL::INTEGER AS span_start, NULL::INTEGER AS span_end, 'bench' AS ingest_id
                FROM range({start}, {start + n}) t(i)
                """  # noqa: S608  (integers we generate)
            )
            session.write_statements("_fill")
        con.execute(
            """
            INSERT INTO reports (id, originator, grading_scheme, grading, handling_code)
            SELECT DISTINCT report_id, 'Bench', 'uk-3x5x2', '1B', 'P' FROM statements
            """
        )
        print(f"filled {statements:,} statements in {time.perf_counter() - t0:.1f}s")
    with Workspace.open(path) as ws:
        session = ws.session("bench", "benchmark")
        rng = np.random.default_rng(1)
        keys = [ws.con.execute("SELECT sha1(?)", ["e" + str(int(i))]).fetchall()[0][0]
                for i in rng.integers(0, entities, 50)]
        session.statements_for(keys[0])  # warm the buffer pool
        times = []
        for key in keys:
            t0 = time.perf_counter()
            table = session.statements_for(key)
            times.append((time.perf_counter() - t0) * 1000)
            assert table.num_rows == per_entity
        print(f"crosslink show on {statements:,} statements: median {statistics.median(times):.1f} ms, "
              f"worst {max(times):.1f} ms over {len(times)} lookups (target < 100 ms)")
        t0 = time.perf_counter()
        ws.con.execute("SELECT count(*) FROM statements WHERE entity_id = ?", [keys[1]]).fetchall()
        print(f"  (a plain count over the same table takes {(time.perf_counter() - t0) * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--entities", type=int, default=300_000, help="FtM stream size (0 to skip)")
    parser.add_argument("--show-statements", type=int, default=10_000_000)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-show", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        csv_sps = None
        if not args.skip_ingest:
            csv_sps = bench_ingest(args.rows, Path(tmp))
        if args.entities:
            bench_ftm_stream(args.entities, Path(tmp), csv_sps)
        if not args.skip_show:
            bench_show(args.show_statements, Path(tmp))


if __name__ == "__main__":
    main()
