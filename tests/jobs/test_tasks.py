from voc.io import ColumnOverrides
from voc.jobs.tasks import overrides_of
from voc.types import ColumnMapping


def test_committed_mapping_keeps_every_comment_field_and_the_respondent() -> None:
    mapping = ColumnMapping(
        score="Score",
        comment="Well",
        extra_comments=["Improve"],
        date="Date",
        response_id="ID",
        respondent="Customer",
        segments=["Office"],
    ).model_dump()
    assert overrides_of(mapping) == ColumnOverrides(
        score="Score",
        comment="Well",
        date="Date",
        response_id="ID",
        segments=("Office",),
        extra_comments=("Improve",),
        respondent="Customer",
    )
