"""Time and peak memory of `method check` on each hostile method file and the largest files within limits.

`python -m benchmarks.method_limits`

Each file is checked alone (`load_register` of its methods folder) in its own process; the peak resident set
size (ru_maxrss) is reported next to the valid 2021 method's, the baseline of the imports. The goal (issue
17): every hostile file is refused with one sentence in seconds and bounded memory (the old code went past
4 GiB on the alias bomb and ran for minutes on a 64 MB file), and a file just within the limits is read in a
few seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.helpers.hostile_methods import ATTACKS, GOOD, Attack, decoy_folder, insert

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout the benchmark runs in

CHILD = """
import json, resource, sys, time
from pathlib import Path
from assessment.method_file import MethodErrors
from assessment.register import load_register
started = time.perf_counter()
try:
    load_register(Path(sys.argv[1]))
    outcome = "valid"
except MethodErrors as err:
    outcome = f"{len(err.problems)} mistake(s): " + err.problems[0].sentence().split(" / ")[0][-60:]
print(json.dumps({
    "seconds": round(time.perf_counter() - started, 2),
    "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "outcome": outcome,
}))
"""


def _within_limits() -> list[Attack]:
    """The largest files that pass the limits: 289 measures with five conditions each; 20 000 values."""
    values = ", ".join(["世界500强"] * 30)
    measures = "".join(
        f"  m{n}: {{label_zh: 口径, from: projects, count: projects, where: {{industrial: true, "
        f"stage_reached: 落地, investor_type: [{values}], contract_amount: {{at_least: 1, below: 9}}, "
        "days_between: {from: signed_on, to: period_end, more_than: 3}}}\n"
        for n in range(289)
    )
    flat = "x_values: [" + ", ".join(["1"] * 19_000) + "]\n"
    return [
        Attack("within limits: 300 measures", lambda decoy: insert(GOOD, "\nmeasures:\n", measures)),
        Attack("at the value limit", lambda decoy: GOOD.replace("title_zh:", flat + "title_zh:", 1)),
    ]


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        decoy = decoy_folder(Path(tmp) / "decoy")
        hostile = [a for a in ATTACKS if a.targets is None]  # targets.csv: checked by build, not here
        cases = [Attack("valid 2021.yml (baseline)", lambda decoy: GOOD), *_within_limits(), *hostile]
        for attack in cases:
            folder = attack.write(Path(tmp) / f"case{len(rows)}", decoy)
            size = (folder / "method.yml").stat().st_size if (folder / "method.yml").exists() else 0
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, str(folder)],
                cwd=PROJECT_ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            result = json.loads(proc.stdout) if proc.returncode == 0 else {"error": proc.stderr[-300:]}
            rows.append({"case": attack.name, "kib": round(size / 1024), **result})
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
