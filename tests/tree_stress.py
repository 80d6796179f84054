"""Concurrent tree writer for tests/test_tree_concurrency.py (run as a separate process).

    python tests/tree_stress.py work --worker 1 --seconds 10 [--pause 0.0]
    python tests/tree_stress.py verify

The database is the one in DATABASE_URL. ``work`` adds, moves, reorders, renames and deletes
elements until the time is up and prints, as JSON, what it did; ``verify`` prints the state
of the tree (is it consistent, which codes exist).
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osloregion_portal.settings")

import django

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402

from strategy.models import Kind, StrategyElement  # noqa: E402
from strategy.tree import tree_lock  # noqa: E402


def work(worker: int, seconds: float, pause: float) -> dict:
    rng = random.Random(worker)
    added: list[str] = []
    deleted: list[str] = []
    counts = {"add": 0, "move": 0, "reorder": 0, "rename": 0, "delete": 0, "gone": 0}
    errors: list[str] = []
    areas = list(StrategyElement.objects.filter(kind=Kind.FOCUS_AREA).values_list("pk", flat=True))
    deadline = time.monotonic() + seconds
    number = 0
    while time.monotonic() < deadline:
        operation = rng.choice(["add", "add", "move", "reorder", "rename", "delete"])
        try:
            if operation == "add":
                number += 1
                code = f"W{worker}-{number}"
                StrategyElement(
                    parent=StrategyElement.objects.get(pk=rng.choice(areas)),
                    kind=Kind.STRATEGY,
                    code=code,
                    title=f"Ved å prøve samtidighet {worker}.{number}",
                    is_published=True,
                ).save()
                added.append(code)
            elif operation in ("move", "reorder"):
                items = StrategyElement.objects.filter(kind=Kind.STRATEGY, level=3)
                item = items.order_by("?").first()
                if operation == "move":
                    target = StrategyElement.objects.get(pk=rng.choice(areas))
                    item.move_to(target, "last-child")
                elif rng.random() < 0.2:  # whole focus areas change order, subtrees and all
                    area, other = StrategyElement.objects.filter(pk__in=areas).order_by("?")[:2]
                    area.move_to(other, rng.choice(["left", "right"]))
                else:
                    sibling = items.filter(parent_id=item.parent_id).exclude(pk=item.pk)
                    sibling = sibling.order_by("?").first()
                    if sibling is None:
                        continue
                    item.move_to(sibling, rng.choice(["left", "right"]))
            elif operation == "rename":
                item = StrategyElement.objects.filter(kind=Kind.STRATEGY, level=3)
                item = item.order_by("?").first()
                item.title = f"{item.title.split(' #')[0]} #{rng.randint(1, 5)}"
                item.slug = ""
                item.save()
            else:
                candidates = StrategyElement.objects.filter(code__startswith="W")
                victim = candidates.order_by("?").values_list("code", flat=True).first()
                if victim is None:
                    continue
                with tree_lock():
                    element = StrategyElement.objects.filter(code=victim).first()
                    if element is None:
                        counts["gone"] += 1
                        continue
                    element.delete()
                deleted.append(victim)
            counts[operation] += 1
        except (StrategyElement.DoesNotExist, StrategyElement.NotUpdated):
            counts["gone"] += 1  # another process deleted it between our read and our write
        except ValidationError as error:
            errors.append(f"{operation}: ValidationError {error}")
        except Exception as error:  # every other failure is a finding: report, keep going
            errors.append(f"{operation}: {type(error).__name__}: {error}")
        if pause:
            time.sleep(rng.uniform(0, pause * 2))
    return {"added": added, "deleted": deleted, "counts": counts, "errors": errors}


def verify() -> dict:
    def numbers():
        return list(
            StrategyElement.objects.order_by("pk").values_list(
                "pk", "parent_id", "lft", "rght", "tree_id", "level"
            )
        )

    before = numbers()
    StrategyElement.objects.rebuild()
    after = numbers()
    stale_paths = [
        element.code
        for element in StrategyElement.objects.select_related("parent")
        if element.path != element.compute_path()
    ]
    codes = list(StrategyElement.objects.values_list("code", flat=True))
    return {
        "rebuild_changed": [row for row in zip(before, after, strict=True) if row[0] != row[1]],
        "stale_paths": stale_paths,
        "codes": codes,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["work", "verify"])
    parser.add_argument("--worker", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    result = work(args.worker, args.seconds, args.pause) if args.mode == "work" else verify()
    print(json.dumps(result))
