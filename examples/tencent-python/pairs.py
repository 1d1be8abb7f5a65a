"""Who is paired with whom, kept in SQLite: the kind of store (MySQL, Redis) that SCF functions
use, because they keep nothing in memory between invocations. Shared by the three functions."""

import os
import sqlite3

# Next to the functions unless PAIRS_DB says otherwise; on SCF this would be a database server.
PATH = os.environ.get("PAIRS_DB", os.path.join(os.path.dirname(os.path.abspath(__file__)), "pairs.sqlite3"))


def _connect():
    db = sqlite3.connect(PATH, timeout=10, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS pairs (id TEXT PRIMARY KEY, peer TEXT, since REAL)")
    return db


def arrive(connection_id):
    """Pairs the newcomer with the longest-waiting connection; returns that one's id, or None."""
    db = _connect()
    try:
        db.execute("BEGIN IMMEDIATE")  # several workers register at once
        row = db.execute("SELECT id FROM pairs WHERE peer IS NULL ORDER BY since LIMIT 1").fetchone()
        peer = row[0] if row else None
        db.execute("INSERT OR REPLACE INTO pairs VALUES (?, ?, julianday('now'))", (connection_id, peer))
        if peer:
            db.execute("UPDATE pairs SET peer = ? WHERE id = ?", (connection_id, peer))
        db.execute("COMMIT")
        return peer
    finally:
        db.close()


def forget(stale, connection_id):
    """Drops a waiting connection that is gone without a cleanup; connection_id waits again."""
    db = _connect()
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM pairs WHERE id = ?", (stale,))
        db.execute("UPDATE pairs SET peer = NULL WHERE id = ?", (connection_id,))
        db.execute("COMMIT")
    finally:
        db.close()


def peer_of(connection_id):
    db = _connect()
    try:
        row = db.execute("SELECT peer FROM pairs WHERE id = ?", (connection_id,)).fetchone()
        return row[0] if row else None
    finally:
        db.close()


def leave(connection_id):
    """Forgets the connection and its pair; returns the peer it had, or None."""
    db = _connect()
    try:
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT peer FROM pairs WHERE id = ?", (connection_id,)).fetchone()
        peer = row[0] if row else None
        db.execute("DELETE FROM pairs WHERE id = ? OR id = ?", (connection_id, peer))
        db.execute("COMMIT")
        return peer
    finally:
        db.close()
