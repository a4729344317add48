"""Reading survey exports into one tidy table, with a row-level load report."""

from voc.io.columns import ColumnOverrides
from voc.io.survey import FRAME_COLUMNS, LoadedSurvey, load_survey

__all__ = ["FRAME_COLUMNS", "ColumnOverrides", "LoadedSurvey", "load_survey"]
