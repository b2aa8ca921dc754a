"""A fresh machine: Python and PyPI only, no system fonts. Run in a subprocess with fontconfig
pointed at an empty configuration (FONTCONFIG_FILE with no font folder): banner text in every
script still finds its fonts, all from the installed packages, and none from /usr/share/fonts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = r"""
import json
from PIL import Image, ImageDraw
from creative.compose import BannerCopy, all_sizes, banner_size, plan, render_banner
from creative.compose import fonts
titles = {"en": "Trail shoe", "zh": "手工粗陶马克杯", "ja": "手作りのマグカップ", "ko": "수제 머그컵",
          "ar": "عطر العود", "he": "שמן זית", "hi": "सूती दुपट्टा", "th": "ผ้าพันคอฝ้าย"}
out = {"system_fonts": len(fonts.system_fonts()), "faces": {}, "missing": {}}
product = Image.new("RGBA", (200, 140), (0, 0, 0, 0))
ImageDraw.Draw(product).rectangle([0, 0, 199, 139], fill=(200, 40, 40, 255))
for lang, title in titles.items():
    for size in all_sizes():
        spec = plan(banner_size(size), product_size=product.size, method="classical", copy=BannerCopy(title, "", "Shop"),
                    background={"kind": "image", "asset": "visual", "fit": "cover"}, language=lang)
        done = render_banner(spec, {"product": product, "visual": Image.new("RGB", (64, 64), "white")})
        for layer in done.spec.layers():
            if layer.lines:
                out["faces"].setdefault(lang, []).append(layer.font)
            if layer.missing:
                out["missing"][f"{lang} {size} {layer.role}"] = layer.missing
print(json.dumps(out))
"""


def test_banner_text_in_every_script_with_no_system_fonts(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>\n')
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), PYTHONPATH=str(REPO))
    env.pop("FONTCONFIG_PATH", None)
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["system_fonts"] == 0  # fontconfig sees no font at all
    assert out["missing"] == {}
    used = {face for faces in out["faces"].values() for face in faces}
    assert used and all("site-packages" in face or "dist-packages" in face for face in used), used
    assert not any(face.startswith("/usr/share/fonts") for face in used)
