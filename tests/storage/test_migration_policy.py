"""Migrations are additive, so that `partnerops db upgrade` can run while the previous
version still serves (docs/DEPLOY.md): a new migration's upgrade() never drops, renames or
tightens what that version reads and writes, and a column it adds can be left out of an
INSERT (nullable, or with a server default).

This reads each migration's source; it cannot see what an `op.execute` does (a backfill
is fine, a destructive statement is not) and does not replace reading the migration.
tests/cli/test_upgrade_while_serving.py runs the newest migration under a real process of
the previous version.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from storage.migrate import MIGRATIONS

# Operations that take away or tighten something the previous version may still use.
DESTRUCTIVE = {"drop_table", "drop_column", "drop_constraint", "drop_index", "alter_column",
               "rename_table", "drop_table_comment", "drop_column_comment"}

# Written before the rule: upgrading a database past one of them needs every process of
# the older version stopped first (docs/DEPLOY.md). Kept as they are; never to be added to.
BEFORE_THE_RULE = {
    "0003": "drops the old settings table (moved into workspaces)",
    "0004": "makes two backfilled columns NOT NULL",
    "0009": "moves answers to partner rows: drops a unique constraint and a column",
    "0010": "makes three backfilled elephant columns NOT NULL",
}


def _migrations() -> list[Path]:
    return sorted((MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def _upgrade_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text())
    [upgrade] = [node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == "upgrade"]
    return [node for node in ast.walk(upgrade) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def problems(path: Path) -> list[str]:
    """What in this migration's upgrade() would break a process of the previous version."""
    found = []
    for call in _upgrade_calls(path):
        if _name(call) in DESTRUCTIVE:
            found.append(f"line {call.lineno}: {_name(call)}")
        if _name(call) == "add_column":
            for column in (arg for arg in call.args if isinstance(arg, ast.Call)
                           and _name(arg) == "Column"):
                nullable = _keyword(column, "nullable")
                required = isinstance(nullable, ast.Constant) and nullable.value is False
                if required and _keyword(column, "server_default") is None:
                    found.append(f"line {column.lineno}: a NOT NULL column without a "
                                 "server_default (the previous version's INSERTs omit it)")
    return found


@pytest.mark.parametrize("path", _migrations(), ids=lambda path: path.stem)
def test_every_migration_is_additive(path: Path):
    revision = path.name[:4]
    if revision in BEFORE_THE_RULE:
        assert problems(path), f"{revision} is additive after all: take it off the list"
        return
    assert problems(path) == [], (
        f"{path.name} would break processes of the previous version still serving during "
        "`db upgrade`: expand now (add, backfill), contract in a later release once no "
        "process of the previous version runs; see docs/DEPLOY.md")


def test_the_rule_sees_what_it_is_meant_to(tmp_path: Path):
    migration = tmp_path / "9999_example.py"
    migration.write_text(
        "def upgrade():\n"
        "    op.add_column('t', sa.Column('a', sa.Integer(), nullable=False))\n"
        "    op.add_column('t', sa.Column('b', sa.Integer(), nullable=False,"
        " server_default='0'))\n"
        "    op.add_column('t', sa.Column('c', sa.Integer(), nullable=True))\n"
        "    with op.batch_alter_table('t') as batch:\n"
        "        batch.drop_column('old')\n"
        "def downgrade():\n"
        "    op.drop_table('t')\n")
    assert problems(migration) == [
        "line 2: a NOT NULL column without a server_default (the previous version's INSERTs "
        "omit it)", "line 6: drop_column"]
