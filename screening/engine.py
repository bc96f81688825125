"""The one door to the policy engine (policy.services, issue 3).

Screening never re-implements rules: it calls the engine's service interface. The backend is looked up at call time
so that tests can substitute a small stand-in engine (``use_backend``, or the environment variable
KECHUANG_SCREENING_ENGINE=screening.tests.stand_in_engine for a worker) and so that this app imports cleanly even
where the engine is not installed yet.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Any

_backend: Any = None


class EngineUnavailable(RuntimeError):
    """The policy engine (policy.services) cannot be imported."""


def use_backend(backend: Any) -> None:
    """Use ``backend`` (a module or object with the policy.services functions); None restores the real one."""
    global _backend
    _backend = backend


def backend() -> ModuleType | Any:
    if _backend is not None:
        return _backend
    name = os.environ.get("KECHUANG_SCREENING_ENGINE", "policy.services")
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the engine being installed
        raise EngineUnavailable("政策计算引擎（policy.services）尚未就绪，暂不能计算。") from exc


def is_policy_services() -> bool:
    """Whether the backend is the real engine (then screening may use its columnar paths, e.g. policy.whatif)."""
    return type(backend()) is ModuleType and backend().__name__ == "policy.services"


def input_error_class() -> type[Exception]:
    """The engine's PolicyInputError (bad overrides / situations), or ValueError if it has none."""
    try:
        return getattr(backend(), "PolicyInputError", ValueError)
    except EngineUnavailable:
        return ValueError


def evaluate_many(org_ids: Iterable[int], year: int, overrides: dict | None = None) -> Iterator[tuple[int, list]]:
    return backend().evaluate_many(list(org_ids), year, overrides=overrides or None)


def evaluate_organization(org: Any, year: int, overrides: dict | None = None) -> Any:
    return backend().evaluate_organization(org, year, overrides=overrides or None)


def evaluate_situation(situation: dict, period: str, overrides: dict | None = None) -> Any:
    return backend().evaluate_situation(situation, period, overrides=overrides or None)


def tunable_parameters() -> list[dict]:
    return list(backend().tunable_parameters())
