"""Shared fixtures. Real-model fixtures are session-scoped so the spaCy model loads once per run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EC_SHARED_DIR", REPO.parent / "shared"))
SAMPLES = REPO / "samples"
SEED = SHARED / "seed" / "syria-direct-2015-10-13.txt"
DEV = SHARED / "data" / "dev"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED} (a clone without ../shared)")
    return SEED


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not (DEV / "input.jsonl").exists():
        pytest.skip(f"dev set not found at {DEV} (a clone without ../shared)")
    return DEV


@pytest.fixture(scope="session")
def spacy_nlp():
    """The real spaCy pipeline as the nlp stage loads it (once per test session)."""
    from eventcoder.config import NlpSettings
    from eventcoder.stages.nlp import load_spacy

    return load_spacy(NlpSettings())


@pytest.fixture(scope="session")
def full_pipeline():
    """The default pipeline with every stage, built once per test session."""
    from eventcoder import Pipeline, load_settings

    return Pipeline.from_settings(load_settings(env={}))
