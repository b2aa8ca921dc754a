"""The segmenter role's rembg option: resolved like a hub role (weights cached, else a download
when online, else unavailable), loaded through rembg's own session API."""

from __future__ import annotations

import sys
import types

import numpy as np
from PIL import Image

from creative.encode.cutout import cut_out
from creative.models import resolve
from creative.models.loaders import LOADERS
from creative.models.profiles import load_profile

from test_cutout import textured


def _segmenter(monkeypatch, *, installed: bool, offline: bool):
    monkeypatch.setattr(resolve, "installed", lambda package: installed)
    monkeypatch.setattr(resolve, "hub_offline_reason", lambda: "HF_HUB_OFFLINE is set" if offline else None)
    return resolve.resolve_role(load_profile("base"), "segmenter")


def test_rembg_not_installed_is_unavailable_and_says_how_to_install(monkeypatch):
    res = _segmenter(monkeypatch, installed=False, offline=False)
    assert not res.available and res.optional
    assert "pip install 'creative[segment]'" in res.reason


def test_rembg_offline_without_weights_is_unavailable_like_the_hub_roles(monkeypatch, tmp_path):
    monkeypatch.setenv("U2NET_HOME", str(tmp_path))
    res = _segmenter(monkeypatch, installed=True, offline=True)
    assert not res.available and "HF_HUB_OFFLINE" in res.reason


def test_rembg_weights_already_downloaded_are_used_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("U2NET_HOME", str(tmp_path))
    (tmp_path / "u2net.onnx").write_bytes(b"onnx")
    res = _segmenter(monkeypatch, installed=True, offline=True)
    assert res.available and res.via == "rembg-cache" and res.model == "u2net"


def test_rembg_online_downloads_on_first_use(monkeypatch, tmp_path):
    monkeypatch.setenv("U2NET_HOME", str(tmp_path))
    res = _segmenter(monkeypatch, installed=True, offline=False)
    assert res.status == "download" and res.via == "rembg-download" and res.model == "isnet-general-use"


def test_the_rembg_loader_drives_a_session_and_the_cutout_uses_its_mask(monkeypatch):
    calls = {}

    def new_session(name, providers=None):
        calls["session"] = name
        return f"session:{name}"

    def remove(image, session=None, only_mask=False, post_process_mask=True):
        assert only_mask and session == "session:u2net"
        mask = np.zeros((image.height, image.width), np.uint8)
        mask[80:220, 80:220] = 255
        return Image.fromarray(mask)

    monkeypatch.setitem(sys.modules, "rembg", types.SimpleNamespace(new_session=new_session, remove=remove))
    entry = next(e for e in load_profile("base").candidates("segmenter") if e.id == "u2net")
    seg = LOADERS[entry.loader](None, entry, "cpu")
    assert calls["session"] == "u2net"
    cut = cut_out(textured(), segmenter=seg)
    assert cut.method == "segmenter" and cut.bbox == (80, 80, 220, 220)
