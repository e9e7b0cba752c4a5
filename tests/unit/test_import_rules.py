"""Package arrows go one way (DESIGN.md §10), checked on the source without importing it.

Every module of ``migrator/`` (and of ``tests/``, for the last rule) is parsed
with ``ast``; each ``import`` and ``from ... import`` that names one of our
modules is an edge, wherever it stands: at the top, inside a function (a lazy
import is still a dependency) or under ``if TYPE_CHECKING:`` (none is excused:
a cycle that only the type checker sees is still two modules that cannot be
understood apart). An edge goes to the module named, or to the package when
the name is not a module (``from migrator.errors import Fatal`` ->
``migrator.errors``). A package's ``__init__`` imported on the way to a
submodule is not counted: Python does that for every import and it is not a
choice anyone made.

The rules:

- no import cycle between modules;
- no cycle between migrator's top-level packages and modules either: the
  arrows between ``migrator.pipeline``, ``migrator.transform``,
  ``migrator.sonar`` ... go one way;
- nothing outside ``migrator.sim`` imports it, but the two commands that start
  the simulators (``migrator demo``, ``migrator sim``), which nothing but the
  command line imports (next rule), so product code never reaches the sim;
- ``migrator.sonar`` and ``migrator.splynx`` never import each other or
  ``migrator.pipeline``; ``migrator.pipeline`` and ``migrator.preflight`` never
  import each other; the display (``migrator.display``) imports no client,
  engine or check: it folds events (``FORBIDDEN``);
- nothing imports ``migrator.cli`` but ``migrator.cli`` and ``migrator.__main__``;
- no module under ``tests/`` imports a test module (``tests.unit``,
  ``tests.integration``, ``tests.conformance``, ``tests.bench``): a helper two
  test modules share lives in ``tests/support/``, so running, moving or
  deleting one test module never changes another.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Cycles allowed for now, each with the reason it is still here.
# The commands that start the simulators: the only product code that imports them.
SIM_STARTERS = frozenset({"migrator.cli.demo", "migrator.cli.sim"})
# Package -> packages it must never import.
FORBIDDEN: dict[str, frozenset[str]] = {
    # The two systems' clients know nothing of each other or of the migration.
    "migrator.sonar": frozenset({"migrator.splynx", "migrator.pipeline"}),
    "migrator.splynx": frozenset({"migrator.sonar", "migrator.pipeline"}),
    # `run` and `check` are siblings under the command line, which wires them.
    "migrator.pipeline": frozenset({"migrator.preflight", "migrator.display"}),
    "migrator.preflight": frozenset({"migrator.pipeline"}),
    # The display folds events; it knows no client, engine or check.
    "migrator.display": frozenset(
        {"migrator.pipeline", "migrator.preflight", "migrator.sonar", "migrator.splynx"}
    ),
}
CLI_IMPORTERS = frozenset({"migrator.__main__"})
# The packages of test modules; shared helpers live in tests.support instead.
TEST_PACKAGES = ("tests.unit", "tests.integration", "tests.conformance", "tests.bench")


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``line`` of ``path``."""

    source: str
    target: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.path}:{self.line})"


def module_files(root: Path, package: str = "migrator") -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` under ``root``."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _owner(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module ``name`` is, or is inside (``a.b.C`` -> ``a.b``); None if not ours."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _base(node: ast.ImportFrom, module: str, path: Path) -> str:
    """The absolute module a ``from`` import reads from (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    parts = package.split(".")
    anchor = ".".join(parts[: len(parts) - node.level + 1])
    return f"{anchor}.{node.module}" if node.module else anchor


def _targets(node: ast.AST, module: str, path: Path, modules: Mapping[str, Path]) -> Iterable[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from filter(None, [_owner(alias.name, modules)])
    elif isinstance(node, ast.ImportFrom):
        base = _base(node, module, path)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            yield from filter(None, [full if full in modules else _owner(base, modules)])


def import_edges(root: Path, package: str = "migrator") -> tuple[dict[str, Path], list[Edge]]:
    """Every module of ``package`` and every import between two of them."""
    modules = module_files(root, package)
    edges: dict[Edge, None] = {}  # one edge per import statement, in order
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = str(path.relative_to(root))
        for node in ast.walk(tree):
            for target in _targets(node, module, path, modules):
                if target != module:
                    edges[Edge(module, target, shown, node.lineno)] = None
    return modules, list(edges)


def cycles(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {node: set() for node in nodes}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            step = next(successors, None)
            if step is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
            elif step not in index:
                index[step] = low[step] = len(index)
                stack.append(step)
                on_stack.add(step)
                work.append((step, iter(sorted(graph[step]))))
            elif step in on_stack:
                low[node] = min(low[node], index[step])
    return found


def top_level(module: str) -> str:
    """``migrator.pipeline.engine`` -> ``migrator.pipeline``; ``migrator`` stays."""
    return ".".join(module.split(".")[:2])


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def cycle_problems(modules: Iterable[str], edges: list[Edge]) -> list[str]:
    """Each module cycle and package cycle, with the edges that close it."""
    problems = []
    for component in cycles(modules, [(e.source, e.target) for e in edges]):
        inner = [str(e) for e in edges if e.source in component and e.target in component]
        problems.append("module cycle: " + "; ".join(sorted(inner)))
    between = [e for e in edges if top_level(e.source) != top_level(e.target)]
    packages = {top_level(m) for m in modules}
    for component in cycles(
        packages, [(top_level(e.source), top_level(e.target)) for e in between]
    ):
        inner = [str(e) for e in between if {top_level(e.source), top_level(e.target)} <= component]
        problems.append(f"package cycle {sorted(component)}: " + "; ".join(sorted(inner)))
    return problems


def arrow_problems(edges: Iterable[Edge]) -> list[str]:
    """Each edge that breaks one of the package rules, saying which (sorted)."""
    problems = []
    for edge in edges:
        source, target = edge.source, edge.target
        if (
            _inside(target, "migrator.sim")
            and not _inside(source, "migrator.sim")
            and source not in SIM_STARTERS
        ):
            problems.append(f"product code imports the simulators: {edge}")
        for package, banned in FORBIDDEN.items():
            if _inside(source, package) and any(_inside(target, b) for b in banned):
                problems.append(f"{package} must not import {top_level(target)}: {edge}")
        if (
            _inside(target, "migrator.cli")
            and not _inside(source, "migrator.cli")
            and source not in CLI_IMPORTERS
        ):
            problems.append(f"only the command line imports it: {edge}")
    return sorted(problems)


def imports_of_test_modules(edges: Iterable[Edge]) -> list[str]:
    """Each import of a test module by another module under ``tests/`` (sorted)."""
    return sorted(
        f"imports a test module (shared helpers live in tests/support/): {edge}"
        for edge in edges
        if any(_inside(edge.target, package) for package in TEST_PACKAGES)
    )


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, Path], list[Edge]]:
    return import_edges(ROOT)


def test_the_parser_sees_the_imports_it_must(graph: tuple[dict[str, Path], list[Edge]]) -> None:
    """Guards the checks below against passing because nothing was found."""
    modules, edges = graph
    pairs = {(e.source, e.target) for e in edges}
    assert len(modules) > 150 and len(edges) > 500
    assert ("migrator.__main__", "migrator.cli") in pairs  # from migrator.cli import main
    assert ("migrator.cli.demo", "migrator.sim.harness") in pairs
    assert ("migrator.pipeline.migration", "migrator.errors") in pairs


def test_no_import_cycles(graph: tuple[dict[str, Path], list[Edge]]) -> None:
    modules, edges = graph
    problems = cycle_problems(modules, edges)
    assert not problems, "\n".join(problems)


def test_package_arrows_go_one_way(graph: tuple[dict[str, Path], list[Edge]]) -> None:
    _, edges = graph
    problems = arrow_problems(edges)
    assert not problems, "\n".join(problems)


def test_no_module_under_tests_imports_a_test_module() -> None:
    modules, edges = import_edges(ROOT, "tests")
    pairs = {(e.source, e.target) for e in edges}
    # guards against passing because nothing was found
    assert ("tests.unit.test_splynx_client", "tests.support.clock") in pairs
    assert ("tests.bench.bench_splynx_db", "tests.conftest") in pairs
    assert "tests.integration.test_migration_e2e" in modules
    problems = imports_of_test_modules(edges)
    assert not problems, "\n".join(problems)


# -- the checks themselves, on a made-up package --------------------------------------


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checks_name_each_offending_edge(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "migrator/__init__.py": "",
            "migrator/cli/__init__.py": "",
            "migrator/cli/common.py": "",
            "migrator/sim/__init__.py": "",
            "migrator/sim/app.py": "from migrator.cli.common import x\n",
            "migrator/sonar/__init__.py": "",
            "migrator/sonar/a.py": "def f():\n    from . import b\n",
            "migrator/sonar/b.py": "import migrator.sonar.a\nfrom migrator.splynx.c import C\n",
            "migrator/splynx/__init__.py": "",
            "migrator/splynx/c.py": "from migrator import sonar\n",
            "migrator/pipeline/__init__.py": "",
            "migrator/pipeline/run.py": "from migrator.sim import app\n",
        },
    )
    modules, edges = import_edges(tmp_path)
    problems = cycle_problems(modules, edges) + arrow_problems(edges)
    assert problems == [
        "module cycle: migrator.sonar.a -> migrator.sonar.b (migrator/sonar/a.py:2); "
        "migrator.sonar.b -> migrator.sonar.a (migrator/sonar/b.py:1)",
        "package cycle ['migrator.sonar', 'migrator.splynx']: "
        "migrator.sonar.b -> migrator.splynx.c (migrator/sonar/b.py:2); "
        "migrator.splynx.c -> migrator.sonar (migrator/splynx/c.py:1)",
        "migrator.sonar must not import migrator.splynx: "
        "migrator.sonar.b -> migrator.splynx.c (migrator/sonar/b.py:2)",
        "migrator.splynx must not import migrator.sonar: "
        "migrator.splynx.c -> migrator.sonar (migrator/splynx/c.py:1)",
        "only the command line imports it: "
        "migrator.sim.app -> migrator.cli.common (migrator/sim/app.py:1)",
        "product code imports the simulators: "
        "migrator.pipeline.run -> migrator.sim.app (migrator/pipeline/run.py:1)",
    ]


def test_the_test_module_rule_names_each_import_of_a_test_module(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/conftest.py": "",
            "tests/support/__init__.py": "",
            "tests/support/checks.py": "from tests.conftest import MARIADB\n",
            "tests/unit/__init__.py": "",
            "tests/unit/test_a.py": "from tests.support.checks import check\n",
            "tests/unit/test_b.py": "from tests.unit.test_a import helper\n",
            "tests/integration/__init__.py": "",
            "tests/integration/test_c.py": "def f():\n    from . import test_d\n",
            "tests/integration/test_d.py": "import tests.unit.test_a\n",
            "tests/conformance/__init__.py": "",
            "tests/conformance/conftest.py": "",
            "tests/conformance/test_e.py": "from tests.conformance.conftest import fixture\n",
            "tests/bench/__init__.py": "",
            "tests/bench/bench_f.py": "from tests.bench import bench_g\n",
            "tests/bench/bench_g.py": "",
        },
    )
    _, edges = import_edges(tmp_path, "tests")
    assert imports_of_test_modules(edges) == [
        f"imports a test module (shared helpers live in tests/support/): {edge}"
        for edge in [
            "tests.bench.bench_f -> tests.bench.bench_g (tests/bench/bench_f.py:1)",
            "tests.conformance.test_e -> tests.conformance.conftest "
            "(tests/conformance/test_e.py:1)",
            "tests.integration.test_c -> tests.integration.test_d (tests/integration/test_c.py:2)",
            "tests.integration.test_d -> tests.unit.test_a (tests/integration/test_d.py:1)",
            "tests.unit.test_b -> tests.unit.test_a (tests/unit/test_b.py:1)",
        ]
    ]
