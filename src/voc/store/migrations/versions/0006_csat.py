"""CSAT answers beside NPS scores: responses.csat_score and responses.csat_scale

Revision ID: 0006_csat
Revises: 0002
Create Date: 2026-11-26

A response can now carry a CSAT answer (1-5 or 1-7) besides, or instead of, an NPS score,
so an export asking both questions gives both results. Rows of CSAT uploads committed
before this version (``nps_group = ''``, the answer in ``score``) get their answer copied
into ``csat_score``; their scale is the one their upload's load report names (1-5 or
1-7), or, where it names none, 1-7 when an answer is above 5 and 1-5 otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_csat"
down_revision = "0003_portal"
branch_labels = None
depends_on = None

_responses = sa.table(
    "responses",
    sa.column("upload_id", sa.String),
    sa.column("score", sa.Integer),
    sa.column("nps_group", sa.String),
    sa.column("csat_score", sa.Integer),
    sa.column("csat_scale", sa.String),
)
_uploads = sa.table("uploads", sa.column("id", sa.String), sa.column("load_report", sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("csat_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("csat_scale", sa.String(length=3), nullable=True))
    connection = op.get_bind()
    r = _responses.c
    csat_uploads = connection.execute(
        sa.select(r.upload_id, sa.func.max(r.score)).where(r.nps_group == "").group_by(r.upload_id)
    ).all()
    for upload_id, top in csat_uploads:
        report = connection.scalar(
            sa.select(_uploads.c.load_report).where(_uploads.c.id == upload_id)
        )
        scale = (report or {}).get("scale")
        if scale not in ("1-5", "1-7"):
            scale = "1-7" if (top or 0) > 5 else "1-5"
        connection.execute(
            sa.update(_responses)
            .where(r.upload_id == upload_id, r.nps_group == "")
            .values(csat_score=r.score, csat_scale=scale)
        )


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("csat_scale")
        batch_op.drop_column("csat_score")
