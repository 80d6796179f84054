"""Concurrent tree writer for tests/test_tree_concurrency.py (run as a separate process).

    python tests/tree_stress.py work --worker 1 --seconds 10 [--pause 0.0]
    python tests/tree_stress.py verify

The database is the one in DATABASE_URL. ``work`` adds, moves, reorders, renames, publishes,
unpublishes and deletes elements until the time is up and prints, as JSON, what it did;
``verify`` prints the state of the tree (is it consistent - nested set, stored paths, stored
public flags - and which codes exist).

Renames of focus areas and publishing save a copy read a moment earlier, while the other
workers move things: the copy's lft/rght are then stale, which once left a child with its old
parent slug in its stored path.
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

from strategy.infrastructure.integrity import tree_problems  # noqa: E402
from strategy.models import Kind, StrategyElement  # noqa: E402
from strategy.tree import tree_lock  # noqa: E402


def work(worker: int, seconds: float, pause: float) -> dict:
    rng = random.Random(worker)
    added: list[str] = []
    deleted: list[str] = []
    counts = {
        **dict.fromkeys(["add", "move", "reorder", "rename", "rename_area", "publish"], 0),
        **dict.fromkeys(["delete", "gone"], 0),
    }
    errors: list[str] = []
    area_slugs = dict(
        StrategyElement.objects.filter(kind=Kind.FOCUS_AREA).values_list("pk", "slug")
    )
    areas = list(area_slugs)
    deadline = time.monotonic() + seconds
    number = 0
    while time.monotonic() < deadline:
        operation = rng.choice(
            ["add", "add", "move", "reorder", "rename", "rename_area", "publish", "delete"]
        )
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
            elif operation == "rename_area":
                area = StrategyElement.objects.get(pk=rng.choice(areas))
                time.sleep(rng.uniform(0, 0.02))  # the others move strategies meanwhile
                area.slug = f"{area_slugs[area.pk]}-{rng.randint(1, 5)}"
                area.save()
            elif operation == "publish":
                kind = rng.choice([Kind.STRATEGY, Kind.FOCUS_AREA])
                item = StrategyElement.objects.filter(kind=kind).order_by("?").first()
                time.sleep(rng.uniform(0, 0.02))
                item.is_published = not item.is_published
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
    # The integrity check load_strategy runs: nested set, stored paths and stored public flags.
    problems = tree_problems(list(StrategyElement.objects.order_by("tree_id", "lft", "pk")))
    codes = list(StrategyElement.objects.values_list("code", flat=True))
    return {
        "rebuild_changed": [row for row in zip(before, after, strict=True) if row[0] != row[1]],
        "problems": [message for _pk, message in problems],
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
