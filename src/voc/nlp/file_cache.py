"""Values kept between analyses in one JSON file per model: the base of voc's disk caches.

A re-analysis of the same export repeats work whose result depends on a comment's text and
the model alone (its themes, its language scores). Such results are kept in the embedding
cache folder, in a file named after a fingerprint of the model: a changed model gets a new,
empty file, and an old file is never read for a new model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def text_key(*parts: str) -> str:
    """A short stable key for the parts (a comment, its language, ...)."""
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


class JsonFileCache:
    """JSON values by key, for one model (``fingerprint``), in ``directory``/``kind``-*.json.

    ``save`` writes atomically (a temporary file of its own, then a rename), so a run killed
    while saving leaves the previous file, and workers sharing the folder never write one
    file together. A damaged or foreign file is ignored (with a warning) and replaced.
    """

    def __init__(self, directory: Path, kind: str, fingerprint: str):
        self.path = Path(directory) / f"{kind}-{fingerprint[:32]}.json"
        self.kind = kind
        self.fingerprint = fingerprint
        self._stored: dict[str, Any] = {}
        self._dirty = False
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("%s cache %s unreadable (%s): starting a new one", kind, self.path, exc)
            else:
                if isinstance(data, dict) and data.get("fingerprint") == fingerprint:
                    self._stored = dict(data.get("values", {}))

    def __len__(self) -> int:
        return len(self._stored)

    def get(self, key: str) -> Any | None:
        return self._stored.get(key)

    def put(self, key: str, value: Any) -> None:
        self._stored[key] = value
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"fingerprint": self.fingerprint, "values": self._stored}
        handle, tmp = tempfile.mkstemp(prefix=self.path.stem, suffix=".tmp", dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, separators=(",", ":"))
        Path(tmp).replace(self.path)
        self._dirty = False
