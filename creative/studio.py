"""`Studio`: the pipeline. It owns a profile's `Models` and calls the stages in order:

    encode -> condition + generate (captions, copy, visuals) -> compose -> rank

    studio = Studio.from_profile("auto")
    analysis = studio.analyze(Product(images=["shoe.jpg"], title="Trail running shoe"))
    creative_set = studio.generate(product)        # everything, ranked; .save("out/SKU")

Each stage is a function that receives the models it needs; the Studio only wires them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from creative.compose import BannerCopy, banner_copy_from
from creative.compose.banners import Banner, compose_banners, rerender
from creative.creative_set import CreativeSet
from creative.encode import DEFAULT_IMAGE_WEIGHT, Analysis, analyze_many
from creative.encode.cutout import product_cutout
from creative.condition.prompts import CAPTIONS
from creative.generate.text import TextRequest, TextResult, add_captioner, generate_captions, generate_copy, write
from creative.generate.visuals import BannerOptions, propose_visuals
from creative.inputs.product import Product
from creative.models import Models, Profile, RoleUnavailableError, load_profile
from creative.rank.banners import rank_banners, rescore
from creative.rank.text import rank_text

if TYPE_CHECKING:
    from creative.generate.compliance import Rules
    from creative.inputs.brand import BrandKit

__all__ = ["Analysis", "RoleUnavailableError", "Settings", "Studio"]


@dataclass
class Settings:
    """What the pipeline makes for a product: the batch script's options and the studio's."""

    sizes: list[str] | None = None  # None: every size in sizes.toml
    platforms: list[str] | None = None  # None: the product's own
    n_captions: int = 3
    n_copies: int = 3
    n_visuals: int = 2
    style: str = "studio"
    seed: int = 0

    def generate_kwargs(self) -> dict[str, Any]:
        """`generate_many`'s keyword arguments, but the seed (callers derive one per product)."""
        return {f.name: getattr(self, f.name) for f in fields(Settings) if f.name != "seed"}


# where each stage starts, as a share of a product's time: encode is done, banners take longest
STAGE_SHARES = {"text": 0.05, "banners": 0.6}
STAGE_LABELS = {"text": "copy and captions", "banners": "banners"}


class Studio:
    def __init__(self, profile: Profile, *, device: str | None = None, image_weight: float = DEFAULT_IMAGE_WEIGHT):
        self.profile = profile
        self.models = Models(profile, device=device)
        self.image_weight = image_weight

    @classmethod
    def from_profile(cls, profile: str | Path = "auto", **kwargs: Any) -> "Studio":
        """A Studio for a profile by name ("auto", "base", "quality", "tiny") or TOML path.
        Raises ProfileError when the profile cannot be found or read."""
        return cls(load_profile(profile), **kwargs)

    # -- encode ---------------------------------------------------------------------

    def analyze(self, product: Product) -> Analysis:
        return self.analyze_many([product])[0]

    def analyze_many(self, products: list[Product]) -> list[Analysis]:
        """Embed and tag products with one batched CLIP pass per tower (`encode.analyze_many`)."""
        return analyze_many(self.models, products, self.image_weight)

    # -- condition + generate -> rank: text -------------------------------------------

    def captions(self, product: Product, n: int = 4, *, analysis: Analysis | None = None, **kwargs: Any) -> TextResult:
        """Ranked alt texts and one-sentence captions (`generate.text.generate_captions`,
        then `rank.rank_text`), best first, at most n."""
        drafts = generate_captions(self.models, product, n=n, analysis=analysis or self.analyze(product), **kwargs)
        return rank_text(drafts, n, "captions", self._clip_for(drafts))

    def copy(self, product: Product, platform: str = "generic", n: int = 3, *, analysis: Analysis | None = None, **kwargs: Any) -> TextResult:
        """Ranked ad-copy variants for one platform (`generate.text.generate_copy`, then
        `rank.rank_text`), best first, at most n."""
        drafts = generate_copy(self.models, product, platform=platform, n=n, analysis=analysis or self.analyze(product), **kwargs)
        return rank_text(drafts, n, "copy", self._clip_for(drafts))

    def _clip_for(self, result: TextResult):
        return self.models.clip if result.target is not None else None

    # -- encode -> generate -> compose -> rank: banners --------------------------------

    def banners(
        self,
        product: Product,
        *,
        analysis: Analysis | None = None,
        copy: BannerCopy | None = None,
        caption: str | None = None,
        progress: Callable[[float, str], None] | None = None,
        **options: Any,
    ) -> list[Banner]:
        """Finished banners in every size asked for, `n` visual proposals each, every size's
        best first. `options` are `BannerOptions` fields (sizes, n, style, mode, strength, seed,
        brand); same seed, same banners. `copy` None: words from the product facts.
        `progress(fraction, step)` is called before the visuals and before each size."""
        opts = BannerOptions(**options)
        report = progress or (lambda fraction, step: None)
        analysis = analysis or self.analyze(product)
        cutout = product_cutout(self.models, product.load_images(keep_alpha=True)[0])
        tags = [t.label for t in analysis.top_tags(4)] if analysis.tags else []
        report(0.0, f"{opts.n} visual proposals")
        visuals = propose_visuals(self.models, cutout, title=product.title, caption=caption, tags=tags, options=opts)
        # visuals are most of the work when diffusion runs; composing, the rest
        banners = compose_banners(
            product, cutout, visuals, copy, opts, models=self.models.names(), fallbacks=analysis.fallbacks, progress=lambda f, step: report(0.5 + 0.45 * f, step)
        )
        clip_ok = analysis.embedding is not None and self.models.available("clip")
        return rank_banners(banners, clip=self.models.clip if clip_ok else None, product_embedding=analysis.embedding.fused if clip_ok else None)

    def restyle(self, banner: Banner, *, copy: BannerCopy | None = None, copy_source: str = "edited", text_colour: str | None = None, button_colour: str | None = None, product_embedding=None) -> Banner:
        """The banner drawn again with new words or colours (`compose.banners.rerender`: no
        diffusion) and scored again (`rank.banners.rescore`; CLIP too when there is a CLIP
        model and the product's fused embedding)."""
        out = rerender(banner, copy=copy, copy_source=copy_source, text_colour=text_colour, button_colour=button_colour)
        clip_ok = product_embedding is not None and self.models.available("clip")
        return rescore(out, clip=self.models.clip if clip_ok else None, product_embedding=product_embedding if clip_ok else None)

    # -- the whole pipeline -----------------------------------------------------------

    def generate(self, product: Product, **kwargs: Any) -> CreativeSet:
        """Analysis, ranked captions, copy per platform and finished banners, with the model of
        every role and the time of every stage."""
        return self.generate_many([product], **kwargs)[0]

    def generate_many(
        self,
        products: list[Product],
        *,
        sizes: list[str] | None = None,
        platforms: list[str] | None = None,
        n_captions: int = 3,
        n_copies: int = 3,
        n_visuals: int = 2,
        style: str = "studio",
        seed: int = 0,
        seeds: list[int] | None = None,
        brand: "BrandKit | None" = None,
        rules: "Rules | None" = None,
        progress: Callable[[float, str], None] | None = None,
    ) -> list[CreativeSet]:
        """`generate` for several products. CLIP encodes all of them in one batched pass per
        tower; the language model and the diffusion pipeline are loaded once and shared.
        `progress(fraction done, stage about to run)` is called before each stage."""
        settings = Settings(sizes, platforms, n_captions, n_copies, n_visuals, style, seed)
        seeds = seeds or [seed] * len(products)
        report = progress or (lambda fraction, stage: None)
        report(0.0, "analyzing")
        start = time.perf_counter()
        analyses = self.analyze_many(products)
        timings = [{"analyze": round((time.perf_counter() - start) / max(1, len(products)), 3)} for _ in products]

        # every product's captions and copy (and banner words) in one batched decode
        text_share = STAGE_SHARES["banners"] - STAGE_SHARES["text"]
        requests = [self._text_requests(p, a, s, settings, rules) for p, a, s in zip(products, analyses, seeds)]
        report(STAGE_SHARES["text"] / len(products), STAGE_LABELS["text"])
        start = time.perf_counter()
        flat = write(self.models, [r for rs in requests for r in rs], progress=lambda f: report((STAGE_SHARES["text"] + text_share * f) / len(products), STAGE_LABELS["text"]))
        for t in timings:
            t["text"] = round((time.perf_counter() - start) / max(1, len(products)), 3)
        out, i = [], 0
        for k, (product, analysis, product_seed, mine) in enumerate(zip(products, analyses, seeds, requests)):
            drafts, i = flat[i : i + len(mine)], i + len(mine)

            def banner_steps(fraction: float, step: str, k=k, title=product.title) -> None:
                share = STAGE_SHARES["banners"] + (1 - STAGE_SHARES["banners"]) * fraction
                report((k + share) / len(products), f"{title[:40]}: banners: {step}" if len(products) > 1 else f"banners: {step}")

            report((k + STAGE_SHARES["banners"]) / len(products), f"{product.title[:40]}: banners" if len(products) > 1 else STAGE_LABELS["banners"])
            out.append(self._finish_one(product, analysis, product_seed, settings, mine, drafts, timings[k], brand, banner_steps))
        return out

    def _text_requests(self, product: Product, analysis: Analysis, seed: int, settings: Settings, rules) -> list[TextRequest]:
        """Captions, then each platform's copy, then the banner's words if no platform gives them."""
        platforms = list(dict.fromkeys(settings.platforms or product.platforms))
        requests = [TextRequest(product, analysis, CAPTIONS, settings.n_captions, seed=seed)]
        requests += [TextRequest(product, analysis, p, settings.n_copies, seed=seed, rules=rules) for p in platforms]
        if "banner" not in platforms:
            requests.append(TextRequest(product, analysis, "banner", 1, seed=seed, rules=rules))
        return requests

    def _finish_one(self, product, analysis, seed, settings, requests, drafts, timings, brand, banner_steps) -> CreativeSet:
        """One product's drafts ranked, its banners made, all of it as a CreativeSet."""
        drafts[0] = add_captioner(self.models, product, drafts[0], product.language, seed)
        ranked = [rank_text(d, r.n, r.section, self._clip_for(d)) for r, d in zip(requests, drafts)]
        captions = ranked[0]
        copy = {r.platform: res for r, res in zip(requests[1:], ranked[1:]) if r.platform in (settings.platforms or product.platforms)}
        words = copy.get("banner") or ranked[-1]
        start = time.perf_counter()
        banners = self.banners(
            product,
            analysis=analysis,
            copy=banner_copy_from(words.kept),
            caption=captions.kept[0].fields["caption"] if captions.kept else None,
            progress=banner_steps,
            sizes=settings.sizes,
            n=settings.n_visuals,
            style=settings.style,
            seed=seed,
            brand=brand,
        )
        timings["banners"] = round(time.perf_counter() - start, 3)
        notes = analysis.fallbacks + captions.notes + [n for r in copy.values() for n in r.notes] + [f for b in banners for f in b.metadata.get("fallbacks", [])]
        return CreativeSet(
            product=product,
            analysis=analysis.to_dict(),
            embeddings={k: getattr(analysis.embedding, k) for k in ("image", "text", "fused")} if analysis.embedding is not None else {},
            captions=captions.kept,
            copy={p: r.kept for p, r in copy.items()},
            banners=banners,
            models={role: res.to_dict() for role, res in self.models.resolutions.items()},
            timings=timings,
            fallbacks=list(dict.fromkeys(notes)),
            dropped={"captions": captions.dropped} | {p: r.dropped for p, r in copy.items()},
            seed=seed,
        )
