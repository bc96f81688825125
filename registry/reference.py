"""Loads the current jurisdiction's reference data (``policy.jurisdiction.Reference``: the city, its divisions and
zones, its industry chains) into the registry's regions and chains. The data, with its sources, lives in the
jurisdiction package (its ``reference`` module)."""

from __future__ import annotations

from typing import Any


def load_reference(region_model: Any, chain_model: Any, reference: Any = None) -> None:
    """Create or update the regions and chains (used by a data migration, the demo generator and tests); ``reference``
    defaults to the current jurisdiction's; a jurisdiction without one loads nothing."""
    if reference is None:
        from policy.jurisdiction import current

        reference = current().reference
    if reference is None:
        return
    code, name, short = reference.city
    city, _ = region_model.objects.update_or_create(
        code=code, defaults={"division_code": code, "name": name, "short_name": short, "kind": "city"}
    )
    for code, name, short in reference.divisions:
        region_model.objects.update_or_create(
            code=code,
            defaults={"division_code": code, "name": name, "short_name": short, "kind": "division", "parent": city},
        )
    for code, name, short in reference.zones:
        region_model.objects.update_or_create(
            code=code, defaults={"division_code": "", "name": name, "short_name": short, "kind": "zone", "parent": city}
        )
    for code, name, cluster in reference.industry_chains:
        chain_model.objects.update_or_create(code=code, defaults={"name": name, "cluster": cluster})
