"""eventcoder: conflict reporting in, a reviewed, geocoded, dated event database out."""
from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings, load_settings
from .pipeline import Pipeline, load_pipeline
from .python_api import extract, extract_many
from .types import Article, Event, Record

__all__ = ["Pipeline", "load_pipeline", "Event", "Article", "Record", "Settings", "load_settings", "extract", "extract_many", "__version__"]
