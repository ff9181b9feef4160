"""The import contracts of pyproject.toml (run by `make lint`) cover the whole project: a
new app or a new shared module of servicedesk/ is checked only once it is named there."""

import tomllib
from pathlib import Path

from django.conf import settings

from tests.project_packages import project_packages

BASE_DIR = Path(settings.BASE_DIR)


def _contracts() -> tuple[dict, dict[str, dict]]:
    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]
    return config, {contract["id"]: contract for contract in config["contracts"]}


def _layer_modules(layers: list[str]) -> list[str]:
    """Every module named by a layer, optional ones (in parentheses) included."""
    names = []
    for layer in layers:
        for part in layer.replace("|", ":").split(":"):
            names.append(part.strip().strip("()"))
    return names


def _project_apps() -> set[str]:
    return set(project_packages())


def test_every_app_of_the_project_is_checked_by_the_contracts():
    config, contracts = _contracts()
    domain_apps = _project_apps() - {"servicedesk"}
    assert domain_apps >= {"complaints", "tickets", "customers", "staff"}
    missing_root = _project_apps() - set(config["root_packages"])
    assert not missing_root, f"add {sorted(missing_root)} to root_packages in pyproject.toml"
    missing_layer = domain_apps - set(_layer_modules(contracts["layers"]["layers"]))
    assert not missing_layer, f"give {sorted(missing_layer)} a layer in pyproject.toml"
    missing_forbidden = domain_apps - set(contracts["foundation"]["forbidden_modules"])
    assert not missing_forbidden, (
        f"forbid {sorted(missing_forbidden)} to the foundation in pyproject.toml"
    )
    assert set(contracts["acyclic"]["ancestors"]) == set(config["root_packages"])


def test_every_module_of_servicedesk_is_wiring_or_foundation():
    _config, contracts = _contracts()
    layered = set(_layer_modules(contracts["layers"]["layers"]))
    modules = {
        f"servicedesk.{path.stem if path.is_file() else path.name}"
        for path in (BASE_DIR / "servicedesk").iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert modules, "servicedesk/ has modules"
    unlayered = modules - layered
    assert not unlayered, f"put {sorted(unlayered)} in a layer of pyproject.toml"
    foundation = set(_layer_modules(contracts["layers"]["layers"][-1:]))
    assert foundation == set(contracts["foundation"]["source_modules"])
