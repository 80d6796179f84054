"""The shape of the code, checked rather than promised: no two modules under ``strategy/`` import
each other (directly or round a longer loop), and no module imports another's private
(``_name``) name. The README's module map (``### Modulkart``) names every module there is.

Read from the source with ``ast``, without importing anything: every import that runs counts,
also one inside a function (an import deferred to break a loop is still the loop); one under
``if TYPE_CHECKING:`` never runs (it names a type for the annotations) and does not."""

import ast
import re
from pathlib import Path

from django.conf import settings

STRATEGY = Path(settings.BASE_DIR) / "strategy"
README = Path(settings.BASE_DIR) / "README.md"


def module_name(path: Path) -> str:
    parts = path.relative_to(STRATEGY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(STRATEGY.rglob("*.py"))}
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def runtime_nodes(path: Path) -> list[ast.AST]:
    """Every node of the module except what ``if TYPE_CHECKING:`` guards."""
    nodes, stack = [], [ast.parse(path.read_text(encoding="utf-8"))]
    while stack:
        node = stack.pop()
        nodes.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)
    return nodes


def source_of(node: ast.ImportFrom, name: str) -> str:
    """The module a ``from … import`` reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = (name if name in PACKAGES else name.rpartition(".")[0]).split(".")
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(name: str) -> list[tuple[str, str | None, str]]:
    """(module imported, name taken from it or None, name bound) for every import in the module
    that reaches a module under ``strategy``; ``from . import views`` imports the module."""
    found = []
    for node in runtime_nodes(MODULES[name]):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, alias.asname or alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = source_of(node, name)
            for alias in node.names:
                submodule, bound = f"{source}.{alias.name}", alias.asname or alias.name
                if submodule in MODULES:
                    found.append((submodule, None, bound))
                else:
                    found.append((source, alias.name, bound))
    return [item for item in found if item[0] in MODULES]


def private_attributes(name: str) -> list[str]:
    """``module._name`` read through a module imported whole (``from . import views``)."""
    modules = {bound for _, taken, bound in imports_of(name) if taken is None}
    return [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and is_private(node.attr)
    ]


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


GRAPH = {name: {item[0] for item in imports_of(name) if item[0] != name} for name in MODULES}


def loops() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan): each is an import loop."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return groups


def test_the_check_reads_the_imports():
    """Bug prevented: a check that passes because it found no imports at all (a wrong path or
    a parser that misses relative imports) and so would pass any import loop too."""
    assert len(MODULES) > 40
    assert "strategy.models" in GRAPH["strategy.public_site.views"]
    assert "strategy.public_site.citation" in GRAPH["strategy.public_site.views"]  # from . import
    assert "strategy.search.schema" in GRAPH["strategy.apps"]  # inside a function


def test_no_two_modules_import_each_other():
    """Bug prevented: modules that import each other, directly or round a loop, so that which
    one loads first decides whether the import works, and neither can be read alone."""
    assert loops() == []


def test_no_module_imports_another_modules_private_name():
    """Bug prevented: a module reaching into another's ``_name``, which that module's author
    may change freely, so that the dependency is invisible from where it is defined."""
    reached = [
        f"{name} → {module}.{taken}"
        for name in MODULES
        for module, taken, _ in imports_of(name)
        if taken is not None and is_private(taken) and module != name
    ] + [f"{name} → {attribute}" for name in MODULES for attribute in private_attributes(name)]
    assert reached == []


def test_the_module_map_names_every_module():
    """Bug prevented: a module map in the README that no longer matches the tree, sending a
    newcomer to modules that moved and hiding the ones that arrived."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Modulkart", 1)[1].split("\n#", 1)[0]
    mapped = set(re.findall(r"`strategy/([\w/]+\.py)`", section))
    wanted = {
        str(path.relative_to(STRATEGY))
        for path in MODULES.values()
        if path.parts[-2:] != ("strategy", "__init__.py")
        and "migrations" not in path.parts
        and not (path.name == "__init__.py" and path.stat().st_size == 0)
    }
    assert sorted(wanted - mapped) == []
    assert sorted(mapped - wanted) == []


def test_the_benchmarks_and_scripts_import_only_names_that_exist():
    """Prevents a benchmark that no longer starts: ``benchmarks/editions_benchmark.py`` imported
    ``build_generated_tree_in_bulk`` after the factory was renamed, and no test ran it."""
    import importlib

    missing = []
    for folder in ("benchmarks", "scripts"):
        for path in sorted((Path(settings.BASE_DIR) / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or node.level:
                    continue
                if not (node.module or "").startswith(("strategy", "tests", "osloregion_portal")):
                    continue
                module = importlib.import_module(node.module)
                missing += [
                    f"{path.name}: {node.module}.{alias.name}"
                    for alias in node.names
                    if not hasattr(module, alias.name)
                    and importlib.util.find_spec(f"{node.module}.{alias.name}") is None
                ]
    assert missing == []
