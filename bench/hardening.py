"""Hardening figures (issue 9): bad inputs, SIGKILL trials, concurrent askers. Prints; not a test
(tests/test_hardening.py asserts the same runs, smaller).

    python -m bench.hardening [--trials 30] [--askers 8] [--seed 9]

Every store uses the keyword-count fake embedder (the properties are about the store, not the
model) in a fresh temporary folder.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.concurrency import churn_run, concurrent_processes, concurrent_threads  # after the offline switch
from tests.hardening import (  # after the offline switch
    bad_input_run,
    kill_trials,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30, help="SIGKILL trials")
    parser.add_argument("--askers", type=int, default=8, help="concurrent askers (threads, then processes)")
    parser.add_argument("--seed", type=int, default=9, help="seed of the random kill delays")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bad = bad_input_run(root / "bad")
        print(
            f"bad inputs: tried {bad.tried}, clear errors {bad.clear_errors}, crashes {len(bad.crashes)}, "
            f"unclear {len(bad.unclear)}, ingested {len(bad.ingested)} (incl. a 1,000-page PDF), "
            f"duplicates {len(bad.duplicates)}, store unchanged by failures: {bad.store_unchanged} "
            f"({bad.seconds:.1f} s)"
        )
        kills = kill_trials(root / "kill", args.trials, seed=args.seed)
        print(
            f"kill trials: {kills.trials} ({kills.killed} killed mid-ingest, clean ingest {kills.reference_chunks} chunks), "
            f"inconsistent stores after a kill {len(kills.inconsistent)}, orphans left by kills {kills.orphans_seen} "
            f"(invisible; left after the next open {kills.orphans_left}), re-runs {kills.reruns} "
            f"(failed {len(kills.rerun_failures)}), chunks lost {kills.lost}, duplicated {kills.duplicated} "
            f"({kills.seconds:.0f} s)"
        )
        for name, run in (
            ("threads", concurrent_threads(root / "threads", askers=args.askers, rounds=3)),
            ("processes", concurrent_processes(root / "processes", askers=args.askers, rounds=2)),
        ):
            print(
                f"concurrency ({name}): {args.askers} askers + 1 ingester, requests {run.requests} "
                f"({run.during_ingest} during the ingest), errors {len(run.errors)}, torn keyword reads {run.torn}, "
                f"answers unlike the baseline {len(run.inconsistent)}, reports ingested {run.ingested} "
                f"({run.seconds:.1f} s)"
            )
            for error in run.errors[:3]:
                print("   ", error)
        churn = churn_run(root / "churn", seconds=8.0, readers=3)
        print(
            f"churn: 1 writer ({churn.writer_rounds} add+remove rounds of 150 chunks) and 3 processes reopening the "
            f"store ({churn.reader_rounds} opens): errors {len(churn.errors)}, torn keyword reads {churn.torn}, "
            f"store consistent after: {churn.consistent}"
        )
        for error in churn.errors[:3]:
            print("   ", error)


if __name__ == "__main__":
    main()
