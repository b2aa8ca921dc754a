"""The Gradio studio: a marketer's workbench. `creative studio` starts it on 127.0.0.1:7860.

The UI gathers inputs and shows results; every action is a `creative.ui.workbench.Workbench`
method, one workbench per browser session. Safe by default: loopback only, no share link,
an upload size limit, non-images refused, and one model-heavy job at a time (the queue).
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home, before gradio loads

import gradio as gr  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from creative import data  # noqa: E402
from creative.batch import sku_folder  # noqa: E402
from creative.compose import BannerCopy, BrandKit, FontNotFoundError, all_sizes, load_brand_kit, save_brand_kit  # noqa: E402
from creative.generate.limits import platform_names, platform_spec, text_length  # noqa: E402
from creative.generate.text import CTA_LIMIT  # noqa: E402
from creative.inputs.images import ImageError, load_image  # noqa: E402
from creative.inputs.product import Product, describe_error, parse_attributes  # noqa: E402
from creative.models import RoleUnavailableError  # noqa: E402
from creative.paths import creative_home  # noqa: E402
from creative.studio import Studio  # noqa: E402
from creative.ui.workbench import Look, Settings, TextCheck, Workbench  # noqa: E402

log = logging.getLogger("creative.studio")

UPLOAD_LIMIT = "25mb"  # per file; a product photo is rarely over 10 MB
QUEUE_SIZE = 16  # waiting jobs before new ones are turned away
SESSION_HOURS = 12
DEFAULT_SIZES = ["1080x1080", "1200x628", "1080x1920", "300x250"]  # feed, link, story, medium rectangle
DEFAULT_PLATFORMS = ["banner", "meta"]
FONT_TYPES = [".ttf", ".otf", ".ttc"]
# gallery captions at the top of each thumbnail: at the bottom they hide the banner's button
CSS = """
#looks .caption-label, #sizes-gallery .caption-label {top: 4px; bottom: auto; right: 4px; font-size: 0.8rem}
.notice {border-left: 4px solid #d97706; padding-left: 8px}
"""


# -- errors ----------------------------------------------------------------------------


def friendly(fn: Callable) -> Callable:
    """Errors reach the user as one clear message, never a stack trace (that goes to the log)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except (ValueError, ValidationError, ImageError, RoleUnavailableError, FontNotFoundError, OSError) as e:
            raise gr.Error(describe_error(e), print_exception=False) from None
        except Exception as e:  # noqa: BLE001 - anything else is a bug: say so plainly, log the details
            log.exception("studio action %s failed", fn.__name__)
            raise gr.Error(f"Something went wrong ({type(e).__name__}: {e}). The details are in the studio's log.", print_exception=False) from None

    return wrapper


def _progress(progress: gr.Progress) -> Callable[[float, str], None]:
    return lambda fraction, stage: progress(fraction, desc=stage)


# -- inputs ----------------------------------------------------------------------------


def check_photos(paths: list[str] | None) -> tuple[list[str], list[str]]:
    """The uploads that are images, and a message for each that is not."""
    good, refused = [], []
    for path in paths or []:
        try:
            load_image(path)
            good.append(path)
        except ImageError as e:
            refused.append(f"{Path(path).name} was refused: {e.reason}")
    return good, refused


def make_product(photos, title, description, attributes, brand, price, currency, audience, tone, language, platforms, sku) -> Product:
    good, refused = check_photos(photos)
    if refused:
        raise ValueError("; ".join(refused))
    if not good:
        raise ValueError("add at least one product photo (drag it onto the upload box)")
    if not (title or "").strip():
        raise ValueError("add the product's title")
    return Product(
        images=good,
        title=title,
        description=description or "",
        attributes=parse_attributes((attributes or "").splitlines()),
        brand=brand or "",
        # read by the one price parser (creative.inputs.prices), with the currency as its hint
        price=(price or "").strip() or None,
        currency=(currency or "").strip().upper(),
        audience=audience or "",
        tone=tone,
        language=language,
        platforms=platforms or ["generic"],
        sku=sku or "",
    )


def make_brand_kit(name, logo, primary, secondary, text, font) -> BrandKit | None:
    """The kit from the form, or None when nothing in it was set."""
    if logo:
        try:
            load_image(logo)
        except ImageError as e:
            raise ValueError(f"brand logo: {e.reason}") from None
    if font:
        from PIL import ImageFont

        try:
            ImageFont.truetype(font, 12)
        except OSError:
            raise ValueError(f"brand font {Path(font).name} is not a font file PIL can read (use .ttf, .otf or .ttc)") from None
    kit = BrandKit(name=name or "", logo=logo or None, primary=primary, secondary=secondary, text=text, font_headline=font or None, font_body=font or None)
    return None if kit == BrandKit() else kit


def kit_folder(name: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:60]
    if not slug:
        raise ValueError("give the brand kit a name (letters or digits) to save it")
    return brands_dir() / slug


def brands_dir() -> Path:
    return creative_home() / "brands"


def saved_kits() -> list[str]:
    folder = brands_dir()
    return sorted(p.parent.name for p in folder.glob("*/brand.toml")) if folder.is_dir() else []


# -- views -----------------------------------------------------------------------------


def roles_table(studio: Studio) -> list[list[str]]:
    rows = []
    for role, res in studio.models.resolutions.items():
        state = "ready" if res.available else ("unavailable (optional)" if res.optional else "UNAVAILABLE")
        rows.append([role, state, res.model or "-", res.reason])
    return rows


def notices(bench: Workbench) -> str:
    missing = [f"**{role}**" for role, res in bench.studio.models.resolutions.items() if not res.available and not res.optional]
    parts = []
    if missing:
        parts.append(f"No weights on this machine for {', '.join(missing)}: those stages run without their model (see Analysis).")
    if bench.result is not None and bench.result.fallbacks:
        parts.append("What ran without its model:\n" + "\n".join(f"- {f}" for f in bench.result.fallbacks))
    return "\n\n".join(parts)


def tags_table(bench: Workbench) -> list[list[Any]]:
    tags = bench.result.analysis.get("tags", {}) if bench.result else {}
    return [[cat, t["label"], round(t["probability"], 3)] for cat, items in tags.items() for t in items[:3]]


def alignment_text(bench: Workbench) -> str:
    if bench.result is None:
        return ""
    a = bench.result.analysis.get("image_text_alignment")
    if a is None:
        return "Photo–facts alignment: not measured (no CLIP model)."
    return f"Photo–facts alignment: {a['score']:.2f} (CLIP cosine {a['cosine']:.3f}). Low means the photos and the facts may describe different things."


def captions_table(bench: Workbench) -> list[list[Any]]:
    if bench.result is None:
        return []
    rows = [[i, c.kind, c.fields.get("caption", c.text), len(c.fields.get("caption", c.text)), round(c.score, 3), c.source, ""] for i, c in enumerate(bench.result.captions, 1)]
    rows += [["dropped", c.kind, c.text, len(c.text), "", c.source, _why(c)] for c in bench.result.dropped.get("captions", [])]
    return rows


def _why(candidate) -> str:
    return "; ".join(f"{v.get('rule')}: {v.get('detail') or v.get('term')}" for v in candidate.violations)


COPY_HEADERS = ["#", "field", "text", "chars/limit", "score", "notes", "locked"]
COPY_WIDTHS = ["4%", "11%", "40%", "9%", "7%", "22%", "7%"]


def copy_table(bench: Workbench, platform: str) -> list[list[Any]]:
    """One platform's variants, a row per field, then the dropped ones with the reason."""
    rows: list[list[Any]] = []
    if bench.result is None or platform not in bench.result.copy:
        return rows
    spec = platform_spec(platform)
    for i, c in enumerate(bench.result.copy[platform], 1):
        locked = "locked" if (platform, c.text) in bench.locked_copy else ""
        for j, (field, text) in enumerate(c.fields.items()):
            first = j == 0  # the variant's score, lock and general repairs go on its first row
            n = text_length(text, spec.counting)
            notes = [r.removeprefix(f"{field}: ") for r in c.repairs if r.startswith(f"{field}: ") or (first and not r.split(":")[0] in c.fields)]
            rows.append([i, field, text, f"{n}/{spec.fields.get(field, CTA_LIMIT)}", round(c.score, 3) if first else "", "; ".join(notes), locked if first else ""])
    for c in bench.result.dropped.get(platform, []):
        rows.append(["dropped", ", ".join(c.fields), c.text, "", "", _why(c), ""])
    return rows


def copy_choices(bench: Workbench) -> tuple[list[str], list[str]]:
    """Lockable variants as checkbox labels, and those locked now."""
    choices, locked = [], []
    for platform, variants in (bench.result.copy.items() if bench.result else []):
        for i, c in enumerate(variants, 1):
            label = f"{platform} #{i}: {c.text[:60]}"
            choices.append(label)
            if (platform, c.text) in bench.locked_copy:
                locked.append(label)
    return choices, locked


PREVIEW_SIDE = 720  # the galleries show banners at most this big; the zip has them full size
_previews: "OrderedDict[int, tuple[Any, Any]]" = OrderedDict()  # id(banner image) -> (image, preview)
_previews_lock = threading.Lock()


def preview(image):
    """A screen-sized copy of a banner, made once per image: the gallery encodes what it is
    given on every refresh, and full-size banners made each edit seconds slower."""
    with _previews_lock:  # handlers of several sessions run at once
        hit = _previews.get(id(image))
        if hit is None or hit[0] is not image:
            small = image.copy()
            small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
            hit = _previews[id(image)] = (image, small)  # the image is kept: its id stays its own
            while len(_previews) > 512:
                _previews.popitem(last=False)
        _previews.move_to_end(id(image))
        return hit[1]


def looks_gallery(bench: Workbench) -> list[tuple[Any, str]]:
    items = []
    for i, look in enumerate(bench.looks(), 1):
        flags = "".join([" · locked" if look.locked else "", " · edited" if look.edited else ""])
        items.append((preview(look.banners[0].image), f"#{i} · score {look.score:.3f}{flags}"))
    return items


def sizes_gallery(look: Look | None) -> list[tuple[Any, str]]:
    if look is None:
        return []
    return [(preview(b.image), f"{b.size} · #{b.rank} · {b.score:.3f}") for b in look.banners]


def check_text(check: TextCheck | None) -> str:
    if check is None:
        return ""
    lines = [f"- {field}: {n}/{check.limits[field]} characters" + (" — **over the limit**" if field in check.over else "") for field, n in check.lengths.items()]
    lines += [f"- **{v.rule}** in {v.field or 'the copy'}: {v.detail or v.term}" for v in check.violations]
    lines += [f"- {size}: {change}" for size, changes in check.layout.items() for change in changes]
    head = "Checked: within the banner limits and the compliance rules." if check.ok else "Checked: **fix before publishing**."
    return head + "\n" + "\n".join(lines)


def work_dir() -> Path:
    return creative_home() / "studio"


def autosave(bench: Workbench) -> None:
    """Keep the session's work on disk after every change, so a closed tab or a stopped studio
    loses nothing (Recent work reopens it). A failed save warns; the work itself goes on."""
    folder = bench.folder
    if folder is None:
        name = sku_folder(bench.product.sku or bench.product.title[:40])
        folder = work_dir() / f"{time.strftime('%Y%m%d-%H%M%S')}-{name}-{uuid.uuid4().hex[:6]}"
    try:
        bench.save(folder)
    except OSError as e:
        gr.Warning(f"Your work could not be saved to {folder}: {e}")


def recent_work(limit: int = 30) -> list[tuple[str, str]]:
    """(label, folder name) of saved work, newest first."""
    found = []
    for latest in work_dir().glob("*/latest") if work_dir().is_dir() else []:
        try:
            state = json.loads((latest.parent / latest.read_text().strip() / "workbench.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # half-written or foreign: not offered
        product = state["product"]
        when = time.strftime("%d %b %H:%M", time.localtime(latest.stat().st_mtime))
        found.append((latest.stat().st_mtime, f"{product['title'][:50]} · {product.get('sku') or 'no SKU'} · {when}", latest.parent.name))
    return [(label, name) for _, label, name in sorted(found, reverse=True)[:limit]]


def bench_folder(bench: Workbench) -> str:
    return f"session-{id(bench)}"


def write_zip(bench: Workbench, root: Path) -> str:
    """The zip on disk for the download button (rewritten after every change)."""
    folder = root / bench_folder(bench)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sku_folder(bench.sku)}-creative.zip"
    path.write_bytes(bench.zip())
    return str(path)


# -- the app ---------------------------------------------------------------------------


def build_app(studio: Studio) -> gr.Blocks:
    tones = list(data.load("tones"))
    sizes = list(all_sizes())
    styles = list(data.load("styles")["styles"])

    zips = Path(tempfile.mkdtemp(prefix="creative-studio-"))  # downloads; gone when the studio stops
    atexit.register(shutil.rmtree, zips, ignore_errors=True)
    # uploads and gallery files in Gradio's cache are deleted after a day (checked hourly)
    with gr.Blocks(title="creative studio", analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        # a session's work (images included) is freed 12 hours after its last change
        bench_state = gr.State(None, time_to_live=SESSION_HOURS * 3600, delete_callback=lambda bench: shutil.rmtree(zips / bench_folder(bench), ignore_errors=True) if bench else None)
        selected = gr.State(None)  # key of the look being edited

        gr.Markdown(f"# creative studio\nProfile **{studio.profile.name}**: {studio.profile.description}")
        with gr.Row():
            with gr.Column(scale=1, min_width=340):
                with gr.Accordion("Recent work (saved as you go)", open=False):
                    recent = gr.Dropdown(recent_work(), label="Reopen", elem_id="recent")
                    reopen = gr.Button("Open", size="sm", elem_id="reopen")
                photos = gr.File(label="Product photos (drag and drop)", file_count="multiple", file_types=["image"], elem_id="photos")
                preview = gr.Gallery(label="Photos", columns=4, height="auto", object_fit="contain", show_label=False, elem_id="preview", format="png", allow_preview=False)
                title = gr.Textbox(label="Title", elem_id="title", max_length=200)
                description = gr.Textbox(label="Description", lines=3, elem_id="description", max_length=5000)
                attributes = gr.Textbox(label="Attributes (key=value, one a line)", lines=2, elem_id="attributes")
                with gr.Row():
                    brand = gr.Textbox(label="Brand", elem_id="brand")
                    sku = gr.Textbox(label="SKU (optional)", elem_id="sku")
                with gr.Row():
                    price = gr.Textbox(label="Price", placeholder="89.95", elem_id="price")
                    currency = gr.Textbox(label="Currency", placeholder="EUR", max_length=3, elem_id="currency")
                audience = gr.Textbox(label="Audience", elem_id="audience")
                with gr.Row():
                    tone = gr.Dropdown(tones, value="friendly", label="Tone", elem_id="tone")
                    language = gr.Radio(["en", "zh"], value="en", label="Language", elem_id="language")
                platforms = gr.CheckboxGroup(platform_names(), value=DEFAULT_PLATFORMS, label="Copy platforms", elem_id="platforms")
                banner_sizes = gr.CheckboxGroup(sizes, value=[s for s in DEFAULT_SIZES if s in sizes], label="Banner sizes", elem_id="sizes")
                with gr.Accordion("Options", open=False):
                    style = gr.Dropdown(styles, value="studio", label="Visual style")
                    n_visuals = gr.Slider(1, 6, value=3, step=1, label="Looks (visual proposals)", elem_id="n-visuals")
                    n_copies = gr.Slider(1, 6, value=3, step=1, label="Copy variants per platform")
                    n_captions = gr.Slider(1, 6, value=3, step=1, label="Captions")
                    seed = gr.Number(value=0, precision=0, label="Seed")
                with gr.Accordion("Brand kit", open=False):
                    kit_name = gr.Textbox(label="Kit name")
                    logo = gr.File(label="Logo (transparent PNG is best)", file_types=["image"])
                    with gr.Row():
                        primary = gr.ColorPicker(BrandKit.primary, label="Button")
                        secondary = gr.ColorPicker(BrandKit.secondary, label="Accent")
                        text_colour_kit = gr.ColorPicker(BrandKit.text, label="Text")
                    font = gr.File(label="Font (.ttf, .otf)", file_types=FONT_TYPES)
                    with gr.Row():
                        save_kit = gr.Button("Save kit", size="sm")
                        kits = gr.Dropdown(saved_kits(), label="Saved kits", allow_custom_value=False)
                        load_kit = gr.Button("Load kit", size="sm")
                    kit_status = gr.Markdown()
                generate = gr.Button("Generate", variant="primary", elem_id="generate")

            with gr.Column(scale=2):
                notice = gr.Markdown(elem_classes=["notice"], elem_id="notice")
                with gr.Tabs():
                    with gr.Tab("Banners", id="banners"):
                        gr.Markdown("**Looks**, best first: one visual proposal each, in every size. Click one to see its sizes and edit it.")
                        looks = gr.Gallery(show_label=False, columns=3, height=300, elem_id="looks", format="png", allow_preview=False)
                        sized = gr.Gallery(show_label=False, columns=4, height=300, object_fit="contain", elem_id="sizes-gallery", format="png")
                        with gr.Row():
                            headline = gr.Textbox(label="Headline", elem_id="edit-headline")
                            subline = gr.Textbox(label="Subline", elem_id="edit-subline")
                            cta = gr.Textbox(label="Button", elem_id="edit-cta")
                        with gr.Row():
                            own_colours = gr.Checkbox(False, label="Set colours myself (else chosen for contrast)")
                            text_colour = gr.ColorPicker("#111111", label="Text colour")
                            button_colour = gr.ColorPicker(BrandKit.primary, label="Button colour")
                        with gr.Row():
                            apply = gr.Button("Apply edits", variant="primary", elem_id="apply")
                            lock = gr.Checkbox(False, label="Lock this look", elem_id="lock-look")
                            regen_visuals = gr.Button("New visuals (keeps locked looks)", elem_id="regen-visuals")
                        checked = gr.Markdown(elem_id="check")
                    with gr.Tab("Ad copy", id="copy"):
                        copy_tables = {
                            p: gr.Dataframe(headers=COPY_HEADERS, label=f"{platform_spec(p).label} ({p})", interactive=False, wrap=True, visible=False, elem_id=f"copy-{p}", column_widths=COPY_WIDTHS)
                            for p in platform_names()
                        }
                        locked_copy = gr.CheckboxGroup([], label="Lock the variants you like", elem_id="lock-copy")
                        regen_copy = gr.Button("New copy (keeps locked variants)", elem_id="regen-copy")
                    with gr.Tab("Captions", id="captions"):
                        caption_rows = gr.Dataframe(headers=["#", "kind", "caption", "chars", "score", "source", "why dropped"], interactive=False, wrap=True)
                    with gr.Tab("Analysis", id="analysis"):
                        alignment = gr.Markdown()
                        tag_rows = gr.Dataframe(headers=["category", "tag", "probability"], interactive=False)
                        role_rows = gr.Dataframe(value=[], headers=["role", "status", "model", "why"], interactive=False, wrap=True, elem_id="roles")
                download = gr.DownloadButton("Download everything (zip)", interactive=False, elem_id="download")

        # -- what every change refreshes ---------------------------------------------
        views = [notice, looks, sized, headline, subline, cta, lock, checked, *copy_tables.values(), locked_copy, caption_rows, alignment, tag_rows, role_rows, download]

        def refresh(bench: Workbench, key: str | None, check: TextCheck | None, new_zip: bool):
            all_looks = bench.looks()
            look = next((look for look in all_looks if look.key == key), all_looks[0] if all_looks else None)
            words = look.words if look else BannerCopy("")
            choices, locked = copy_choices(bench)
            return (
                [
                    notices(bench),
                    looks_gallery(bench),
                    sizes_gallery(look),
                    words.headline,
                    words.subline,
                    words.cta,
                    bool(look and look.locked),
                    check_text(check),
                    *(gr.update(value=copy_table(bench, p), visible=p in bench.result.copy) for p in copy_tables),
                    gr.update(choices=choices, value=locked),
                    captions_table(bench),
                    alignment_text(bench),
                    tags_table(bench),
                    roles_table(bench.studio),
                    gr.update(value=write_zip(bench, zips), interactive=True) if new_zip else gr.update(),
                ],
                look.key if look else None,
            )

        def outputs(bench, key, check, changed: bool = True, reopened: bool = False):
            """Every view of the workbench. A change is saved and rebuilds the download; a
            reopened workbench needs its download built once; a click on a look needs neither."""
            if changed:
                autosave(bench)
            values, key = refresh(bench, key, check, new_zip=changed or reopened)
            return [bench, key, *values]

        state_outputs = [bench_state, selected, *views]

        # -- actions --------------------------------------------------------------------
        @friendly
        def on_photos(paths):
            good, refused = check_photos(paths)
            for message in refused:
                gr.Warning(message)
            return (good or None), [(p, Path(p).name) for p in good]

        photos.upload(on_photos, photos, [photos, preview])
        photos.clear(lambda: [], None, preview)

        product_inputs = [photos, title, description, attributes, brand, price, currency, audience, tone, language, platforms, sku]
        kit_inputs = [kit_name, logo, primary, secondary, text_colour_kit, font]

        run_inputs = [banner_sizes, style, n_visuals, n_copies, n_captions, seed]

        @friendly
        def on_generate(*values, progress=gr.Progress()):
            n_product, n_kit = len(product_inputs), len(kit_inputs)
            product = make_product(*values[:n_product])
            brand_kit = make_brand_kit(*values[n_product : n_product + n_kit])
            chosen_sizes, style_v, n_vis, n_copy, n_cap, seed_v = values[n_product + n_kit :]
            if not chosen_sizes:
                raise ValueError("choose at least one banner size")
            settings = Settings(list(chosen_sizes), product.platforms, int(n_cap), int(n_copy), int(n_vis), style_v, int(seed_v or 0))
            bench = Workbench(studio, product, settings, brand=brand_kit)
            bench.generate(progress=_progress(progress))
            return outputs(bench, None, None)

        generate.click(on_generate, product_inputs + kit_inputs + run_inputs, state_outputs, concurrency_id="models", concurrency_limit=1)

        @friendly
        def on_select(bench, evt: gr.SelectData):
            return outputs(bench, bench.looks()[evt.index].key, None, changed=False)

        looks.select(on_select, bench_state, state_outputs)

        @friendly
        def on_apply(bench, key, head, sub, button, own, tc, bc):
            if bench is None:
                raise ValueError("nothing to edit yet: press Generate first")
            check = bench.edit(key, BannerCopy(head or "", sub or "", button or ""), text_colour=tc if own else "", button_colour=bc if own else "")
            return outputs(bench, key, check)

        edit_inputs = [bench_state, selected, headline, subline, cta, own_colours, text_colour, button_colour]
        apply.click(on_apply, edit_inputs, state_outputs, concurrency_id="edits", concurrency_limit=4)
        for box in (headline, subline, cta):
            box.submit(on_apply, edit_inputs, state_outputs, concurrency_id="edits", concurrency_limit=4)

        @friendly
        def on_lock(bench, key, locked):
            if bench is not None and key is not None:
                bench.lock_look(key, bool(locked))
                return outputs(bench, key, None)
            return [bench, key, *([gr.update()] * len(views))]

        lock.input(on_lock, [bench_state, selected, lock], state_outputs)

        @friendly
        def on_lock_copy(bench, key, labels):
            if bench is None:
                return [bench, key, *([gr.update()] * len(views))]
            chosen = set(labels or [])
            for platform, variants in bench.result.copy.items():
                for i, c in enumerate(variants, 1):
                    bench.lock_copy(platform, i - 1, f"{platform} #{i}: {c.text[:60]}" in chosen)
            return outputs(bench, key, None)

        locked_copy.input(on_lock_copy, [bench_state, selected, locked_copy], state_outputs)

        @friendly
        def on_regen_copy(bench, key, progress=gr.Progress()):
            if bench is None:
                raise ValueError("nothing to regenerate yet: press Generate first")
            bench.regenerate_copy(progress=_progress(progress))
            return outputs(bench, key, None)

        regen_copy.click(on_regen_copy, [bench_state, selected], state_outputs, concurrency_id="models", concurrency_limit=1)

        @friendly
        def on_regen_visuals(bench, key, progress=gr.Progress()):
            if bench is None:
                raise ValueError("nothing to regenerate yet: press Generate first")
            bench.regenerate_visuals(progress=_progress(progress))
            return outputs(bench, key, None)

        regen_visuals.click(on_regen_visuals, [bench_state, selected], state_outputs, concurrency_id="models", concurrency_limit=1)

        @friendly
        def on_save_kit(*values):
            kit = make_brand_kit(*values)
            if kit is None or not kit.name:
                raise ValueError("give the brand kit a name to save it")
            path = save_brand_kit(kit, kit_folder(kit.name))
            return f"Saved to `{path}`", gr.update(choices=saved_kits(), value=path.parent.name)

        save_kit.click(on_save_kit, kit_inputs, [kit_status, kits])

        @friendly
        def on_load_kit(name):
            if not name:
                raise ValueError("choose a saved kit first")
            kit = load_brand_kit(kit_folder(name) / "brand.toml")
            return kit.name, kit.logo, kit.primary, kit.secondary, kit.text, kit.font_headline, f"Loaded **{kit.name or name}**"

        load_kit.click(on_load_kit, kits, [*kit_inputs, kit_status])

        form = [photos, preview, title, description, attributes, brand, sku, price, currency, audience, tone, language, platforms, banner_sizes]

        @friendly
        def on_reopen(name):
            if not name:
                raise ValueError("choose saved work to reopen")
            bench = Workbench.load(studio, work_dir() / Path(name).name)
            p = bench.product
            # the form shows the saved photos from a temporary copy (Gradio serves files from there)
            shown = zips / bench_folder(bench) / "photos"
            shown.mkdir(parents=True, exist_ok=True)
            photo_paths = [str(shutil.copy(src, shown / Path(src).name)) for src in p.images]
            facts = [photo_paths, photo_paths, p.title, p.description, "\n".join(f"{k}={v}" for k, v in p.attributes.items()), p.brand, p.sku]
            facts += ["" if p.price is None else f"{p.price:g}", p.currency, p.audience, p.tone, p.language, p.platforms, bench.settings.sizes or sizes]
            return [*outputs(bench, None, None, changed=False, reopened=True), *facts]

        reopen.click(on_reopen, recent, state_outputs + form)
        app.load(lambda: (roles_table(studio), gr.update(choices=saved_kits()), gr.update(choices=recent_work())), None, [role_rows, kits, recent])
    return app


# -- serving ---------------------------------------------------------------------------


def launch(studio: Studio, *, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None, share: bool = False) -> None:
    app = build_app(studio)
    print(f"creative studio: http://{'[' + host + ']' if ':' in host else host}:{port} (profile {studio.profile.name}; Ctrl+C stops it)", flush=True)
    # one model-heavy job at a time (two diffusion runs on one GPU run out of memory or
    # crawl); edits re-render on the CPU and get their own, wider lane
    app.queue(default_concurrency_limit=1, max_size=QUEUE_SIZE)
    app.launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        max_file_size=UPLOAD_LIMIT,
        show_error=True,
        ssr_mode=False,
        mcp_server=False,
        footer_links=[],
        quiet=True,
        theme=gr.themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]),  # no web fonts: works offline
        css=CSS,
    )
