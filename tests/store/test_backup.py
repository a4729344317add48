"""`voc db backup` / `voc db restore`: SQLite's online backup, a round trip, PostgreSQL refused."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voc.cli import app
from voc.errors import VocError
from voc.store import Store


def test_backup_and_restore_round_trip_through_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'voc.db'}"
    store = Store(url)
    store.upgrade()
    ws = store.create_workspace("acme")
    with store.workspace(ws.id, write=True) as repo:
        upload = repo.add_upload("export.csv", b"Score,Comment\n9,Bra\n")
    runner = CliRunner()
    env = {"VOC_DATABASE_URL": url}

    backup = tmp_path / "backup.db"
    result = runner.invoke(app, ["db", "backup", str(backup)], env=env)
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    # The live database changes after the backup: an erased workspace, a new one.
    with store.workspace(ws.id, write=True) as repo:
        repo.erase()
    store.create_workspace("later")
    assert store.find_workspace("acme") is None

    result = runner.invoke(app, ["db", "restore", str(backup)], env=env)
    assert result.exit_code == 0, result.output
    restored = Store(url)
    assert restored.find_workspace("acme") is not None
    assert restored.find_workspace("later") is None  # the state of the backup, exactly
    with restored.workspace(ws.id) as repo:
        assert repo.upload_content(upload.id) == ("export.csv", b"Score,Comment\n9,Bra\n")
    with sqlite3.connect(tmp_path / "voc.db") as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store.dispose()
    restored.dispose()


def test_backup_while_writes_go_on_is_a_consistent_copy(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'voc.db'}")
    store.upgrade()
    stop = threading.Event()

    def keep_writing() -> None:
        i = 0
        while not stop.is_set():
            store.create_workspace(f"ws{i}")
            i += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        store.backup(tmp_path / "copy.db")
    finally:
        stop.set()
        writer.join()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    names = {r[0] for r in copy.execute("SELECT name FROM workspaces")}
    # Whatever was committed when the copy was taken, numbered without gaps.
    assert names == {f"ws{i}" for i in range(len(names))}
    copy.close()
    store.dispose()


def test_backup_refuses_to_overwrite_and_restore_refuses_a_foreign_file(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'voc.db'}")
    store.upgrade()
    (tmp_path / "taken.db").write_bytes(b"")
    with pytest.raises(VocError, match="exists"):
        store.backup(tmp_path / "taken.db")
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    with pytest.raises(VocError, match="not a voc database"):
        store.restore(tmp_path / "other.db")
    with pytest.raises(VocError, match="no such backup"):
        store.restore(tmp_path / "missing.db")
    store.dispose()


@pytest.mark.postgres
def test_postgres_backup_points_to_pg_dump() -> None:
    store = Store("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with pytest.raises(VocError, match="pg_dump"):
        store.backup(Path("x.db"))
    store.dispose()
