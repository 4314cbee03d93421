"""reports by source and day: the twin lookup of an incident's page

An incident's page lists probable duplicates of its reports, looked up by source and day
(store/linkage.py `twins_of`). Without this index each lookup read every report of the source:
about 9 s per page at 2.5M reports on SQLite (benchmarks/indicators.md).

Revision ID: 0026_report_twin_day
Revises: 0001_core
Create Date: 2026-12-02 07:30:00
"""
from __future__ import annotations

from alembic import op

revision = '0026_report_twin_day'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_reports_source_date', 'reports', ['source', 'date_start'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reports_source_date', table_name='reports')
