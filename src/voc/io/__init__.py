"""Reading survey exports into one tidy table, with a row-by-row load report."""

from voc.io.columns import ColumnOverrides
from voc.io.mapping import command_line_overrides, describe_load, load_mapping
from voc.io.survey import FRAME_COLUMNS, LoadedSurvey, load_survey

__all__ = [
    "FRAME_COLUMNS",
    "ColumnOverrides",
    "LoadedSurvey",
    "command_line_overrides",
    "describe_load",
    "load_mapping",
    "load_survey",
]
