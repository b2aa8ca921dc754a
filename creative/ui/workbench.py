"""One product's working session in the studio, without the UI: generate, edit, regenerate, lock, export.

    bench = Workbench(studio, product, Settings(sizes=["1080x1080", "1200x628"]))
    bench.generate()
    look = bench.looks()[0]                      # one visual proposal, in every size
    check = bench.edit(look.key, BannerCopy("New headline", "Subline", "Shop now"))
    bench.regenerate_visuals()                   # new seed; locked looks stay
    zip_bytes = bench.zip()                      # the batch script's layout for one product
    bench.save("work/shoe"); Workbench.load(studio, "work/shoe")   # carry on later

A *look* is one visual proposal with its banner in every size. Editing words or colours
re-renders a look from its layer specs (no diffusion), and checks the words against the
banner platform's limits and the compliance rules. Regenerating copy or visuals uses a new
seed and keeps what is locked.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import threading
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
from PIL import Image

from creative.batch import product_files, sku_folder, sku_seed
from creative.compose import BannerCopy, BrandKit, banner_copy_from, default_copy, load_brand_kit, save_brand_kit
from creative.creative_set import CreativeSet, png_bytes
from creative.generate.compliance import Rules, Violation, check_fields, load_rules
from creative.generate.limits import platform_spec, text_length
from creative.inputs.product import Product
from creative.paths import atomic_write_bytes
from creative.studio import Settings

if TYPE_CHECKING:
    from creative.compose.banners import Banner
    from creative.studio import Analysis, Studio

Progress = Callable[[float, str], None]
BANNER_PLATFORM = "banner"  # whose limits the words on a banner are checked against
SEED_STEP = 7919  # a regeneration moves the seed this far: far from every seed used before
SAVE_FORMAT = 1


@dataclass
class TextCheck:
    """Banner words checked against the banner platform's limits and the compliance rules."""

    lengths: dict[str, int]
    limits: dict[str, int]
    violations: list[Violation]
    layout: dict[str, list[str]] = field(default_factory=dict)  # size -> what rendering changed

    @property
    def over(self) -> dict[str, int]:
        return {f: n - self.limits[f] for f, n in self.lengths.items() if n > self.limits[f]}

    @property
    def ok(self) -> bool:
        return not self.over and not self.violations


@dataclass
class Look:
    """One visual proposal with its banner in every size, best first in the studio's gallery."""

    key: str
    banners: list["Banner"]  # in the order of the sizes asked for
    locked: bool = False
    edited: bool = False

    @property
    def score(self) -> float:
        return float(np.mean([b.score for b in self.banners]))

    @property
    def words(self) -> BannerCopy:
        return BannerCopy(**self.banners[0].metadata["copy"])

    def banner(self, size: str) -> "Banner | None":
        return next((b for b in self.banners if b.size == size), None)


def look_key(banner: "Banner") -> str:
    """Which visual proposal a banner shows (its seed and index; the same in every size)."""
    return f"{banner.metadata['seed']}-{banner.metadata['proposal']}"


def check_words(words: BannerCopy, language: str, rules: Rules) -> TextCheck:
    spec = platform_spec(BANNER_PLATFORM)
    fields = {"headline": words.headline, "subline": words.subline, "cta": words.cta}
    lengths = {f: text_length(t, spec.counting) for f, t in fields.items()}
    return TextCheck(lengths, dict(spec.fields), check_fields(fields, rules, language))


def _serialised(method):
    """One change at a time per workbench (a double click in the UI sends two)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Workbench:
    def __init__(self, studio: "Studio", product: Product, settings: Settings | None = None, *, brand: BrandKit | None = None, rules: Rules | None = None):
        self.studio = studio
        self.product = product
        self.settings = settings or Settings()
        self.brand = brand
        self.rules = rules or load_rules()
        self.sku = product.sku or "product"
        # the batch script's seed for this SKU: the studio and a batch run make the same set
        self.seed = sku_seed(self.sku, self.settings.seed)
        self.copy_seed = self.visual_seed = self.seed
        self.result: CreativeSet | None = None
        self.locked_looks: set[str] = set()
        self.edited_looks: set[str] = set()
        self.locked_copy: set[tuple[str, str]] = set()  # (platform, variant text)
        self.words: BannerCopy | None = None  # the words new looks get (the LM's, or the last edit)
        self._analysis: "Analysis | None" = None
        self._lock = threading.RLock()
        self._encoded: dict[int, tuple[Image.Image, bytes]] = {}  # id(image) -> (image, its PNG)
        self.folder: Path | None = None  # where `save` last wrote

    # -- generate ------------------------------------------------------------------

    @_serialised
    def generate(self, progress: Progress | None = None) -> CreativeSet:
        self.result = self.studio.generate(self.product, **self.settings.generate_kwargs(), seed=self.seed, brand=self.brand, rules=self.rules, progress=progress)
        self.locked_looks.clear()
        self.edited_looks.clear()
        self.locked_copy.clear()
        self.words = self.looks()[0].words if self.result.banners else None
        return self.result

    def _require(self) -> CreativeSet:
        if self.result is None:
            raise ValueError("nothing generated yet: press Generate first")
        return self.result

    def analysis(self) -> "Analysis":
        if self._analysis is None:
            self._analysis = self.studio.analyze(self.product)
        return self._analysis

    # -- looks ---------------------------------------------------------------------

    def looks(self) -> list[Look]:
        """Every visual proposal with its banners, locked ones first, then best score first."""
        result = self._require()
        groups: dict[str, list[Banner]] = {}
        for b in result.banners:
            groups.setdefault(look_key(b), []).append(b)
        sizes = list(dict.fromkeys(b.size for b in result.banners))
        looks = [
            Look(key, sorted(bs, key=lambda b: sizes.index(b.size)), key in self.locked_looks, key in self.edited_looks)
            for key, bs in groups.items()
        ]
        return sorted(looks, key=lambda look: (not look.locked, -look.score))

    def look(self, key: str) -> Look:
        found = next((look for look in self.looks() if look.key == key), None)
        if found is None:
            raise ValueError(f"no look {key!r} (regenerated since?)")
        return found

    @_serialised
    def lock_look(self, key: str, locked: bool = True) -> None:
        self.look(key)
        (self.locked_looks.add if locked else self.locked_looks.discard)(key)

    # -- edit ----------------------------------------------------------------------

    @_serialised
    def edit(self, key: str, words: BannerCopy | None = None, *, text_colour: str | None = None, button_colour: str | None = None) -> TextCheck:
        """New words or colours on one look, in every size: re-rendered from the layer specs, no
        diffusion. The words are kept even when the check finds a problem (the marketer
        decides); the check says what to fix."""
        from creative.inputs.product import clean_text

        result = self._require()
        look = self.look(key)
        if words is not None:
            words = BannerCopy(*(clean_text(getattr(words, f)) for f in ("headline", "subline", "cta")))
            if not words.headline:
                raise ValueError("the headline must not be empty")
        fused = self._fused()
        replaced = {id(b): self.studio.restyle(b, copy=words, text_colour=text_colour, button_colour=button_colour, product_embedding=fused) for b in look.banners}
        result.banners = [replaced.get(id(b), b) for b in result.banners]
        self.edited_looks.add(key)
        if words is not None:
            self.words = words
        check = check_words(self.look(key).words, self.product.language, self.rules)
        check.layout = {b.size: changes for b in replaced.values() if (changes := [f"{role}: {c}" for role, t in b.metadata["text"].items() for c in t["changes"]])}
        return check

    def _fused(self):
        """The product's fused embedding (None without a CLIP model)."""
        return self._require().embeddings.get("fused")

    # -- regenerate ----------------------------------------------------------------

    @_serialised
    def lock_copy(self, platform: str, index: int, locked: bool = True) -> None:
        variants = self._require().copy.get(platform, [])
        if not 0 <= index < len(variants):
            raise ValueError(f"{platform} has no variant {index + 1}")
        item = (platform, variants[index].text)
        (self.locked_copy.add if locked else self.locked_copy.discard)(item)

    @_serialised
    def regenerate_copy(self, progress: Progress | None = None) -> None:
        """New ad copy for every platform with a new seed; locked variants stay on top. Looks
        that are neither locked nor edited get the new banner words (re-rendered, no diffusion)."""
        result = self._require()
        report = progress or (lambda fraction, stage: None)
        self.copy_seed += SEED_STEP
        analysis = self.analysis()
        n = self.settings.n_copies
        for i, platform in enumerate(result.copy):
            report(i / (len(result.copy) + 1), f"copy ({platform})")
            fresh = self.studio.copy(self.product, platform=platform, n=n, seed=self.copy_seed, analysis=analysis, rules=self.rules)
            locked = [c for c in result.copy[platform] if (platform, c.text) in self.locked_copy]
            texts = {c.text for c in locked}
            result.copy[platform] = locked + [c for c in fresh.kept if c.text not in texts][: max(0, n - len(locked))]
            result.dropped[platform] = fresh.dropped
        report(len(result.copy) / (len(result.copy) + 1), "banner words")
        banner_variants = result.copy.get(BANNER_PLATFORM)
        if banner_variants is None:
            banner_variants = self.studio.copy(self.product, platform=BANNER_PLATFORM, n=1, seed=self.copy_seed, analysis=analysis, rules=self.rules).kept
        words = banner_copy_from(banner_variants) or default_copy(self.product)
        source = banner_variants[0].source if banner_variants else "product facts"
        self.words = words
        fused = self._fused()
        keep = self.locked_looks | self.edited_looks
        result.banners = [b if look_key(b) in keep else self.studio.restyle(b, copy=words, copy_source=source, product_embedding=fused) for b in result.banners]
        _rerank(result)

    @_serialised
    def regenerate_visuals(self, progress: Progress | None = None) -> None:
        """New visual proposals with a new seed, replacing every look that is not locked."""
        result = self._require()
        report = progress or (lambda fraction, stage: None)
        kept = [b for b in result.banners if look_key(b) in self.locked_looks]
        n = self.settings.n_visuals - len(self.locked_looks)
        if n < 1:
            raise ValueError(f"all {len(self.locked_looks)} looks are locked: unlock one to make room, or ask for more visuals")
        self.visual_seed += SEED_STEP
        caption = result.captions[0].fields["caption"] if result.captions else None
        fresh = self.studio.banners(
            self.product,
            analysis=self.analysis(),
            copy=self.words,
            sizes=self.settings.sizes,
            n=n,
            style=self.settings.style,
            mode=self.settings.mode,
            seed=self.visual_seed,
            brand=self.brand,
            caption=caption,
            progress=lambda fraction, step: report(fraction, f"banners: {step}"),
        )
        self.edited_looks &= self.locked_looks
        result.banners = kept + fresh
        _rerank(result)

    # -- export --------------------------------------------------------------------

    @_serialised
    def files(self) -> dict[str, bytes]:
        """What `creative batch` writes for a one-product catalog, by path. Images that were
        encoded for an earlier call are not encoded again (the UI rebuilds the zip after every
        edit, and an edit changes one look)."""
        used: dict[int, tuple[Image.Image, bytes]] = {}

        def png(image: Image.Image) -> bytes:
            if id(image) not in used:
                used[id(image)] = self._encoded.get(id(image)) or (image, png_bytes(image))  # the image is kept: its id stays its own
            return used[id(image)][1]

        files = product_files(self.sku, self._require(), png)
        self._encoded = used
        return files

    # -- save and reopen ------------------------------------------------------------

    @_serialised
    def save(self, folder: str | Path) -> Path:
        """Everything needed to carry on later (photos, facts, settings, brand kit, seeds,
        locks, edits and the whole creative set), written as a new version beside the last
        one; `latest` names the newest complete version, so a save killed halfway loses
        nothing. Returns the version's folder."""
        folder = Path(folder)
        old = [p for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
        target = folder / str(max((int(p.name) for p in old), default=0) + 1)
        photos = [_save_photo(target / "photos", i, src) for i, src in enumerate(self.product.images)]
        for name, blob in self.files().items():
            atomic_write_bytes(target / "files" / name, blob)
        state = {
            "format": SAVE_FORMAT,
            "product": self.product.model_dump(exclude={"images"}),
            "photos": [str(p.relative_to(target)) for p in photos],
            "settings": asdict(self.settings),
            "brand": str(save_brand_kit(self.brand, target / "brand").relative_to(target)) if self.brand else None,
            "seeds": {"copy": self.copy_seed, "visual": self.visual_seed},
            "locked_looks": sorted(self.locked_looks),
            "edited_looks": sorted(self.edited_looks),
            "locked_copy": sorted(self.locked_copy),
            "words": None if self.words is None else asdict(self.words),
        }
        atomic_write_bytes(target / "workbench.json", json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"))
        atomic_write_bytes(folder / "latest", target.name.encode())
        for p in old:  # older versions, and any a killed save left half-written
            shutil.rmtree(p, ignore_errors=True)
        self.folder = folder
        return target

    @classmethod
    def load(cls, studio: "Studio", folder: str | Path) -> "Workbench":
        """A saved workbench, ready to edit, regenerate and export again."""
        folder = Path(folder)
        try:
            target = folder / (folder / "latest").read_text().strip()
            state = json.loads((target / "workbench.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ValueError(f"{folder}: no saved work can be read there ({e})") from None
        if state.get("format") != SAVE_FORMAT:
            raise ValueError(f"{folder}: saved by another version of creative (format {state.get('format')!r})")
        product = Product(**state["product"], images=[target / p for p in state["photos"]])
        brand = load_brand_kit(target / state["brand"]) if state["brand"] else None
        bench = cls(studio, product, Settings(**state["settings"]), brand=brand)
        bench.result = CreativeSet.load(target / "files" / sku_folder(bench.sku))
        bench.copy_seed, bench.visual_seed = state["seeds"]["copy"], state["seeds"]["visual"]
        bench.locked_looks, bench.edited_looks = set(state["locked_looks"]), set(state["edited_looks"])
        bench.locked_copy = {(p, t) for p, t in state["locked_copy"]}
        bench.words = BannerCopy(**state["words"]) if state["words"] else None
        bench.folder = folder
        return bench

    def zip(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, blob in sorted(self.files().items()):
                packed = name.endswith((".png", ".npz"))  # already compressed: deflating them again costs time for nothing
                z.writestr(name, blob, zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED)
        return buf.getvalue()


def _save_photo(folder: Path, index: int, source) -> Path:
    """A product photo kept with the saved work (uploads in a UI's cache do not last)."""
    if isinstance(source, (str, Path)):
        path = folder / f"{index}{Path(source).suffix.lower() or '.img'}"
        atomic_write_bytes(path, Path(source).read_bytes())
    elif isinstance(source, bytes):
        path = folder / f"{index}.img"
        atomic_write_bytes(path, source)
    else:  # a PIL image
        path = folder / f"{index}.png"
        atomic_write_bytes(path, png_bytes(source))
    return path


def _rerank(result: CreativeSet) -> None:
    """Banners of each size ranked again by score after looks were replaced or re-rendered."""
    sizes = list(dict.fromkeys(b.size for b in result.banners))
    ordered = []
    for size in sizes:
        group = sorted((b for b in result.banners if b.size == size), key=lambda b: -b.score)
        for rank, b in enumerate(group, 1):
            b.rank = rank
            b.metadata["rank"] = rank
        ordered += group
    result.banners = ordered
