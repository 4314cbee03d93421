"""import blocks: reports' raw rows move from a JSON text per report into compressed blocks

Revision ID: 0021_import_blocks
Revises: 0003_imports
Create Date: 2026-12-02 01:10:00

Upgrade moves every imported report's raw row (reports.raw) into raw_blocks, a batch's reports
in id order, BLOCK_ROWS to a block; reports.raw is then ''. Hand-made reports (no batch) keep
their text. Downgrade moves the texts back and drops the blocks (the layout before 0021).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from civwatch.store import raw_blocks

revision = '0021_import_blocks'
down_revision = '0003_imports'
branch_labels = None
depends_on = None

CHUNK = raw_blocks.BLOCK_ROWS


def upgrade() -> None:
    op.create_table('raw_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('n_rows', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_raw_blocks_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_blocks'))
    )
    op.create_index(op.f('ix_raw_blocks_batch_id'), 'raw_blocks', ['batch_id'], unique=False)
    # plain ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite: reports is the biggest table)
    op.execute("ALTER TABLE reports ADD COLUMN raw_block_id INTEGER")
    op.execute("ALTER TABLE reports ADD COLUMN raw_row INTEGER")
    _to_blocks(op.get_bind())


def downgrade() -> None:
    _to_json(op.get_bind())
    op.execute("ALTER TABLE reports DROP COLUMN raw_row")
    op.execute("ALTER TABLE reports DROP COLUMN raw_block_id")
    op.drop_index(op.f('ix_raw_blocks_batch_id'), table_name='raw_blocks')
    op.drop_table('raw_blocks')


def _to_blocks(conn) -> None:
    batches = [r[0] for r in conn.execute(sa.text(
        "SELECT DISTINCT batch_id FROM reports WHERE batch_id IS NOT NULL AND raw_block_id IS NULL ORDER BY 1"))]
    blocks = sa.table('raw_blocks', sa.column('id'), sa.column('batch_id'), sa.column('n_rows'),
                      sa.column('sha256'), sa.column('data'))
    point = sa.text("UPDATE reports SET raw = '', raw_block_id = :b, raw_row = :r WHERE id = :i")
    for batch in batches:
        last = 0
        while True:
            rows = conn.execute(sa.text(
                "SELECT id, raw FROM reports WHERE batch_id = :b AND raw_block_id IS NULL AND id > :last "
                "ORDER BY id LIMIT :n"), {"b": batch, "last": last, "n": CHUNK}).all()
            if not rows:
                break
            last = rows[-1][0]
            texts = [r[1] for r in rows]
            block_id = conn.execute(blocks.insert().values(
                batch_id=batch, n_rows=len(texts), sha256=raw_blocks.digest(texts), data=raw_blocks.encode(texts),
            ).returning(blocks.c.id)).scalar_one()
            conn.execute(point, [{"b": block_id, "r": k, "i": r[0]} for k, r in enumerate(rows)])


def _to_json(conn) -> None:
    point = sa.text("UPDATE reports SET raw = :t, raw_block_id = NULL, raw_row = NULL WHERE id = :i")
    for block_id in [r[0] for r in conn.execute(sa.text("SELECT id FROM raw_blocks ORDER BY id"))]:
        data = conn.execute(sa.text("SELECT data FROM raw_blocks WHERE id = :b"), {"b": block_id}).scalar_one()
        column = raw_blocks.decode(bytes(data))
        rows = conn.execute(sa.text("SELECT id, raw_row FROM reports WHERE raw_block_id = :b"), {"b": block_id}).all()
        if rows:
            conn.execute(point, [{"t": column[r].as_py(), "i": i} for i, r in rows])
