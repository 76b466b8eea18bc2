"""A real Dask cluster on 127.0.0.1 for the engine tests: one ``dask scheduler`` and two
``dask worker`` processes (one thread each, no nanny, so a killed worker stays dead), started
from this virtualenv on free ports and stopped by their pids."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).parent / "dask"
#: Safety net for the cluster to come up; the tests wait on its readiness, not on a duration.
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def worker_pids(self) -> set[int]:
        return {w.pid for w in self.workers if w.poll() is None}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    return env


@contextmanager
def local_cluster(workers: int = 2, logs: Path | None = None) -> Iterator[Cluster]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    out = open(logs, "ab") if logs else subprocess.DEVNULL  # noqa: SIM115 - closed below
    processes: list[subprocess.Popen] = []
    try:
        scheduler = subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                      "--no-dashboard"], cwd=ROOT, env=_env(), stdout=out, stderr=out)
        processes.append(scheduler)
        cluster = Cluster(address, scheduler)
        for n in range(workers):
            worker = subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--no-nanny",
                                       "--no-dashboard", "--name", f"w{n}", "--memory-limit", "0"],
                                      cwd=ROOT, env=_env(), stdout=out, stderr=out)
            processes.append(worker)
            cluster.workers.append(worker)
        _wait_for_workers(address, workers)
        yield cluster
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if logs:
            out.close()


def _wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    deadline = time.monotonic() + START_TIMEOUT_S
    with Client(address, timeout=f"{START_TIMEOUT_S}s", set_as_default=False) as client:
        client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))
