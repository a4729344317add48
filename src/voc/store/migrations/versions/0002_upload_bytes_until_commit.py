"""keep an upload's raw bytes only until commit; keep its load warnings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Jobs now analyse the stored (redacted) responses, so a committed upload's file is no longer
needed: its bytes, which may hold personal data the redaction removed from the responses,
are dropped here for uploads committed before this version. The load warnings (unreadable
dates, repeated ids) that the job used to get by re-reading the file are kept in
``uploads.warnings`` from now on; older uploads have none there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
    op.execute("UPDATE uploads SET content = NULL WHERE status <> 'pending'")


def downgrade() -> None:
    # The dropped bytes cannot come back; jobs of this version never read them.
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_column("warnings")
