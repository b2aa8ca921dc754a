#!/usr/bin/env python3
"""What `creative models pull base` downloads and what the first `creative generate` costs on a CPU,
measured with full-size weights served by the local hub mirror (tests/hubmirror).

The mirror's `full=True` build writes every base repo with the published dimensions (CLIP ViT-B/32,
Qwen2.5-0.5B with its 151936-token embedding, CoCa ViT-B/32, the SD 1.5 UNet/VAE/text encoder of
LCM Dreamshaper and of the inpainting model, fp16 where the hub publishes fp16), random weights,
the hub's file names, at the commits models/base.toml pins. So the bytes `pull` fetches and the
time and memory each model takes are those of the real models; what they produce is noise. With
random weights the language model never chooses to stop, so every field is written to its full
length budget: the text stage is an upper bound.

    python benchmarks/bench_base_cpu.py                     # build (once, ~9 GB), pull, generate x2, inpaint
    python benchmarks/bench_base_cpu.py --work /big/disk    # where the repos, cache and outputs go
    python benchmarks/bench_base_cpu.py --threads 2

Needs ~20 GB of disk and ~10 GB of free memory (a run is skipped, and says so, when less is
available). Writes benchmarks/results/base_cpu.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

SHOE = REPO / "samples" / "images" / "running_shoe_side.jpg"
PRODUCT = [
    str(SHOE), "--title", "Loftstep Pace Runner road running shoe",
    "--description", "Lightweight road running shoe with a breathable engineered mesh upper and a cushioned foam midsole.",
    "--brand", "Loftstep", "--attr", "colour=cobalt blue", "--attr", "upper=engineered mesh",
]  # fmt: skip


def timed(cmd: list[str], env: dict[str, str], log: Path) -> dict:
    """Run a command under /usr/bin/time -v: wall and CPU seconds, peak RSS (MB), exit code; output to `log`."""
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    text = log.read_text(errors="replace")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    cpu = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)]
    return {"seconds": round(time.monotonic() - start, 1), "cpu_seconds": round(sum(cpu), 1), "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None, "rc": proc.returncode}


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def available_gb() -> float:
    """MemAvailable from /proc/meminfo, in GB (a shared machine: others' jobs come and go)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1e6
    return float("inf")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/creative-bench-base"))
    ap.add_argument("--threads", type=int, default=1, help="torch threads (OMP_NUM_THREADS); 1 is steadiest on a shared machine")
    ap.add_argument("--skip-inpaint", action="store_true", help="no inpainting run (it needs ~13 GB of memory)")
    args = ap.parse_args()

    from hubmirror import HubMirror, client_env

    from creative.models.hub import human_size
    from creative.models.profiles import load_profile

    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {"cpu": os.cpu_count(), "threads": args.threads, "load_average_start": load_average()}
    start = time.monotonic()
    # built in a child process: building holds several GB that this process should not keep
    built = subprocess.run([sys.executable, str(REPO / "tests" / "hubmirror" / "repos.py"), str(args.work / "repos"), "--full"], capture_output=True, text=True, check=True)
    root = Path(built.stdout.strip().splitlines()[-1])
    results["build_seconds"] = round(time.monotonic() - start, 1)
    print(f"full-size repos in {root} ({results['build_seconds']} s)")

    home = args.work / "home"
    subprocess.run(["rm", "-rf", str(home)], check=True)
    profile = load_profile("base")
    with HubMirror() as mirror:
        mirror.add_repos_from(root)
        env = client_env(home / "hf", mirror.endpoint, CREATIVE_HOME=str(home / "creative"), PYTHONPATH=str(REPO), OMP_NUM_THREADS=str(args.threads))
        results["pull"] = timed([sys.executable, "-m", "creative.cli", "models", "pull", "base"], env, args.work / "pull.log")
        per_role = {}
        for role, entries in profile.roles.items():
            entry = entries[0]
            if entry.source != "hub":
                continue
            got = [r for r in mirror.requests(file_body=True, repo_id=entry.id) if r.complete]
            per_role[role.value] = {"repo": entry.id, "revision": entry.revision, "files": len(got), "bytes": sum(r.body_bytes for r in got), "profile_size_mb": entry.size_mb}
        results["downloaded"] = per_role
        results["downloaded_total_bytes"] = sum(r["bytes"] for r in per_role.values())
    print(f"pull: {results['pull']}; {human_size(results['downloaded_total_bytes'])}")
    for role, r in per_role.items():
        print(f"  {role:<10} {human_size(r['bytes']):>9}  ({r['files']} files; profile says {r['profile_size_mb']} MB)")

    offline = client_env(home / "hf", offline=True, CREATIVE_HOME=str(home / "creative"), PYTHONPATH=str(REPO), OMP_NUM_THREADS=str(args.threads))
    base = [sys.executable, "-m", "creative.cli"]
    runs = {
        # the default run: every size, every platform of the product, auto mode (LCM backdrops)
        "first_generate": [*base, "generate", *PRODUCT, "--profile", "base", "--out", str(args.work / "out1")],
        "second_generate": [*base, "generate", *PRODUCT, "--profile", "base", "--out", str(args.work / "out2")],
    }
    if not args.skip_inpaint:
        runs["inpaint_banners"] = [*base, "banners", *PRODUCT, "--profile", "base", "--mode", "inpaint", "--n", "1", "--sizes", "1080x1080", "--out", str(args.work / "out3")]
    # peak memory each run needs (GB, measured): a run is skipped rather than pushing the machine into swap or the OOM killer
    needs = {"first_generate": 10, "second_generate": 10, "inpaint_banners": 7}
    for name, cmd in runs.items():
        if available_gb() < needs[name]:
            results[name] = {"skipped": f"{available_gb():.1f} GB of memory available, {needs[name]} GB needed"}
            print(f"{name}: {results[name]}")
            continue
        results[name] = timed(cmd, offline, args.work / f"{name}.log") | {"load_average": load_average()}
        out = Path(cmd[cmd.index("--out") + 1]) / "creative.json"
        if out.exists():
            results[name]["timings"] = json.loads(out.read_text())["timings"]
        print(f"{name}: {results[name]}")

    results["load_average_end"] = load_average()
    dest = REPO / "benchmarks" / "results" / "base_cpu.json"
    dest.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {dest}")


if __name__ == "__main__":
    main()
