"""A throwaway PostgreSQL cluster for the tests (tests/conftest.py) and the load test's ``--postgres``
(:mod:`geo.bench.agent_load`), and a fresh database on it.

``start_cluster()`` runs Debian's ``initdb`` / ``pg_ctl`` (``/usr/lib/postgresql/<ver>/bin``) on a free
localhost port in a temporary folder. initdb refuses to run as root, so as root the folder is chowned to the
``postgres`` user and the commands run through ``runuser -u postgres --``. Authentication is ``trust`` on
127.0.0.1 only; the cluster is stopped (``-m immediate``) and its folder removed at teardown.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url


class ClusterUnavailable(RuntimeError):
    pass


@dataclass
class Cluster:
    url: str
    data_dir: str
    root: str
    bindir: str
    run_as: str | None

    def stop(self) -> None:
        try:
            _run(self.run_as, [f"{self.bindir}/pg_ctl", "-D", self.data_dir, "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def find_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(run_as: str | None, cmd: list[str]) -> subprocess.CompletedProcess:
    if run_as:
        cmd = ["runuser", "-u", run_as, "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)


def start_cluster() -> Cluster:
    bindir = find_bindir()
    if not bindir:
        raise ClusterUnavailable("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
                                 "install the Debian package 'postgresql' or set ANTT_TEST_POSTGRES_URL")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterUnavailable("running as root and there is no 'postgres' user for initdb") from None
        if not shutil.which("runuser"):
            raise ClusterUnavailable("running as root and 'runuser' is missing")
        run_as = "postgres"
    root = tempfile.mkdtemp(prefix="antt-pg-")
    os.chmod(root, 0o755)
    data_dir = os.path.join(root, "data")
    if run_as:
        shutil.chown(root, run_as, run_as)
    port = _free_port()
    try:
        _run(run_as, [f"{bindir}/initdb", "-D", data_dir, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync"])
        opts = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        _run(run_as, [f"{bindir}/pg_ctl", "-D", data_dir, "-o", opts, "-l", os.path.join(root, "log"),
                      "-w", "-t", "60", "start"])
    except subprocess.CalledProcessError as exc:
        log = ""
        try:
            with open(os.path.join(root, "log"), encoding="utf-8", errors="replace") as fh:
                log = fh.read()[-2000:]
        except OSError:
            pass
        shutil.rmtree(root, ignore_errors=True)
        raise ClusterUnavailable(f"could not start PostgreSQL: {exc.stderr or exc.stdout} {log}") from exc
    return Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data_dir, root, bindir, run_as)


def create_database(admin_url: str) -> str:
    """A new empty database on the server of ``admin_url``; returns its URL."""
    name = "antt_test_" + uuid.uuid4().hex[:12]
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, db_url: str) -> None:
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{make_url(db_url).database}" WITH (FORCE)')


def _admin(admin_url: str, sql: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE) on the server of ``admin_url``."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()
