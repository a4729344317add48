import io
import json
import logging

from voc.logs import bind, configure_logging, log_context, make_handler


def _capture(log_format: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(f"voc.test.{log_format}")
    logger.handlers = [make_handler(log_format, stream)]  # type: ignore[arg-type]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_json_lines_carry_the_ids_known_where_they_are_logged() -> None:
    logger, stream = _capture("json")
    logger.info("outside")
    with log_context(request_id="r1"):
        bind(workspace_id="w1")
        with log_context(job_id="j1"):
            logger.warning("job %s: %d rows", "j1", 3)
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    bind(workspace_id="ignored")  # no context: nothing to add to
    logger.info("after")
    outside, job, failed, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(outside) == {"time", "level", "logger", "message"}
    assert outside["time"].endswith("+00:00") and outside["logger"] == "voc.test.json"
    assert job == {
        **{k: job[k] for k in ("time", "logger")},
        "level": "WARNING",
        "message": "job j1: 3 rows",
        "request_id": "r1",
        "workspace_id": "w1",
        "job_id": "j1",
    }
    assert "job_id" not in failed and "ValueError: boom" in failed["exception"]
    assert set(after) == {"time", "level", "logger", "message"}


def test_text_lines_put_the_ids_after_the_message() -> None:
    logger, stream = _capture("text")
    with log_context(job_id="j1", workspace_id=None):
        logger.info("done")
    line = stream.getvalue().strip()
    assert line.endswith("INFO voc.test.text: done job_id=j1") and "workspace_id" not in line


def test_configure_logging_leaves_one_handler_for_every_logger() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("json", "DEBUG")
        assert len(root.handlers) == 1 and root.level == logging.DEBUG
        assert logging.getLogger("uvicorn.access").propagate
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
