"""`lmg prompt test` replaying many cases: wall time (start-up included) and per-case time.

Builds a temporary prompts folder holding the calculator example and N copies of its two tests, each
with a copy of the committed cassette, then times `lmg prompt test` over it several times. The model
is replayed (no model listens: OPENAI_BASE_URL points at a closed loopback port); the built-in MCP
server runs live, started by lmg as in CI. Prints one JSON object.

    python3 Benchmarks/prompt_test_bench.py           # options: --lmg PATH, --cases 200, --rounds 5
"""
import argparse, json, os, re, shutil, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_folder(cases: int) -> str:
    folder = tempfile.mkdtemp(prefix="lmg-prompt-bench-")
    prompts = os.path.join(ROOT, "Prompts")
    shutil.copy(os.path.join(prompts, "calculator.prompt"), folder)
    shutil.copytree(os.path.join(prompts, "partials"), os.path.join(folder, "partials"))
    source = open(os.path.join(prompts, "calculator.tests.yaml")).read()
    body = source.split("tests:\n", 1)[1]
    blocks = ["  - name:" + block for block in re.split(r"(?m)^  - name:", body)[1:]]
    names = [block.split("\n", 1)[0].split(":", 1)[1].strip() for block in blocks]
    tests, cassettes = [], os.path.join(folder, "cassettes", "bench")
    os.makedirs(cassettes)
    for index in range(cases):
        which = index % len(blocks)
        name = f"{names[which]}-{index}"
        tests.append(blocks[which].replace(f"name: {names[which]}", f"name: {name}", 1))
        shutil.copy(os.path.join(prompts, "cassettes", "calculator", f"{names[which]}.json"), os.path.join(cassettes, f"{name}.json"))
    with open(os.path.join(folder, "bench.tests.yaml"), "w") as out:
        out.write("prompt: calculator.prompt\ntests:\n" + "".join(block if block.endswith("\n") else block + "\n" for block in tests))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    default = os.path.join(ROOT, ".build", "release", "lmg")
    parser.add_argument("--lmg", default=default if os.path.exists(default) else os.path.join(ROOT, ".build", "debug", "lmg"))
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = build_folder(args.cases)
    env = dict(os.environ, OPENAI_BASE_URL="http://127.0.0.1:9/v1", PATH=os.path.dirname(args.lmg) + ":" + os.environ["PATH"])
    walls, per_case = [], []
    try:
        for _ in range(args.rounds):
            report = os.path.join(folder, "report.json")
            start = time.perf_counter()
            done = subprocess.run([args.lmg, "prompt", "test", folder, "--config", os.path.join(ROOT, "Config", "lmg.json"), "--json", report],
                                  env=env, capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"lmg prompt test failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
            results = json.load(open(report))["results"]
            assert len(results) == args.cases and all(r["status"] == "passed" for r in results)
            per_case += [r["duration_ms"] for r in results]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({
        "lmg": args.lmg, "cases": args.cases, "rounds": args.rounds,
        "wall_s_p50": round(statistics.median(walls), 3), "wall_s_max": round(max(walls), 3),
        "case_ms_p50": round(statistics.median(per_case), 2), "case_ms_p99": round(sorted(per_case)[int(len(per_case) * 0.99) - 1], 2),
    }, indent=2))


if __name__ == "__main__":
    main()
